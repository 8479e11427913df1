/**
 * One partner (issue 17): who it is, the state an authority acts for (SHA-3), its contacts, its public keys —
 * added and retired here, several valid at once so it can rotate without downtime — its agreements, and the
 * pushes it has not acknowledged (shown once Haven sends pushes).
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Agreement, Partner } from '../../api/sharing.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, FormField, Loading, PageHeading, TextAreaField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, useNotice } from '../governance/common.tsx';
import { AgreementStatusTag, OptionalSection } from './common.tsx';
import { PARTNER_KEEPERS, PartnerStateTag } from './PartnersPage.tsx';

export default function PartnerPage({ id }: { id: string }) {
  const { t, formatDay } = useI18n();
  const account = useAccount();
  const partner = useLoad(() => api.get<Partner>(`/api/partners/${id}`), [id]);
  const agreements = useLoad(
    () => api.get<{ agreements: Agreement[] }>(`/api/agreements?partnerId=${id}`).then((r) => r.agreements),
    [id],
  );
  const { notice, show } = useNotice();
  const canKeep = PARTNER_KEEPERS.includes(account.role);
  const p = partner.data;
  const [retiring, setRetiring] = useState<string | null>(null);
  const [retireError, setRetireError] = useState<unknown>();
  const retireKey = async (kid: string) => {
    setRetiring(kid);
    setRetireError(undefined);
    try {
      await api.post(`/api/partners/${id}/keys/${encodeURIComponent(kid)}/retire`);
      show('sharing.key.retired', { kid });
      partner.reload();
    } catch (error) {
      setRetireError(error);
    } finally {
      setRetiring(null);
    }
  };
  const resume = useFormAction(async () => {
    await api.post(`/api/partners/${id}/resume`);
    show('sharing.partner.resumed');
    partner.reload();
  });

  if (!p) return partner.error ? <ErrorAlert error={partner.error} /> : <Loading />;
  return (
    <div>
      <PageHeading>{t('sharing.partner.title', { name: p.name })}</PageHeading>
      <p className="subtitle">
        <PartnerStateTag state={p.state} /> {t(`sharing.kind.${p.kind}`)}
      </p>
      {notice}
      <dl className="facts">
        <dt>{t('sharing.partner.jurisdiction')}</dt>
        <dd dir="ltr">{p.jurisdiction}</dd>
        {p.actsForCountry ? (
          <>
            <dt>{t('sharing.partner.actsForCountry')}</dt>
            <dd dir="ltr">{p.actsForCountry}</dd>
          </>
        ) : null}
        <dt>{t('sharing.partner.contacts')}</dt>
        <dd>
          {p.contacts.length === 0
            ? '—'
            : p.contacts.map((c) => (
                <span key={c.email} className="contact">
                  <span dir="auto">{c.name}</span> <span dir="ltr">&lt;{c.email}&gt;</span>
                </span>
              ))}
        </dd>
        <dt>{t('sharing.partner.webhook')}</dt>
        <dd dir="ltr">{p.webhookUrl ?? '—'}</dd>
        {p.suspensionReason ? (
          <>
            <dt>{t('sharing.partner.suspensionReason')}</dt>
            <dd dir="auto">{p.suspensionReason}</dd>
          </>
        ) : null}
      </dl>

      <section aria-labelledby="partner-keys">
        <h2 id="partner-keys">{t('sharing.partner.keys')}</h2>
        <p>{t('sharing.key.explain')}</p>
        <ErrorAlert error={retireError} />
        {p.keys.length === 0 ? <p>{t('sharing.key.none')}</p> : null}
        {p.keys.length > 0 ? (
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">{t('sharing.partner.keys')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('sharing.key.kid')}</th>
                  <th scope="col">{t('sharing.key.use')}</th>
                  <th scope="col">{t('sharing.key.added')}</th>
                  <th scope="col">{t('sharing.partner.state')}</th>
                  {canKeep ? <th scope="col">{t('accounts.actions')}</th> : null}
                </tr>
              </thead>
              <tbody>
                {p.keys.map((k) => (
                  <tr key={k.kid}>
                    <th scope="row" dir="ltr" className="codes">
                      {k.kid.length > 20 ? `${k.kid.slice(0, 20)}…` : k.kid}
                    </th>
                    <td>
                      {t(`sharing.key.use.${k.use}`)} <span className="codes">{k.alg}</span>
                    </td>
                    <td>{formatDay(k.addedAt.slice(0, 10))}</td>
                    <td>
                      {k.retiredAt ? (
                        <Tag>{t('sharing.key.retiredOn', { day: formatDay(k.retiredAt.slice(0, 10)) })}</Tag>
                      ) : (
                        <Tag kind="good">{t('sharing.key.inUse')}</Tag>
                      )}
                    </td>
                    {canKeep ? (
                      <td>
                        {k.retiredAt ? null : (
                          <Button
                            variant="secondary"
                            className="button button-secondary button-small"
                            aria-label={t('sharing.key.retireNamed', { kid: k.kid })}
                            busy={retiring === k.kid}
                            onClick={() => retireKey(k.kid)}
                          >
                            {t('sharing.key.retire')}
                          </Button>
                        )}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {canKeep ? (
          <AddKey partnerId={id} onAdded={() => (show('sharing.key.added'), partner.reload())} />
        ) : null}
      </section>

      {canKeep ? (
        <section aria-labelledby="partner-state">
          <h2 id="partner-state">{t('sharing.partner.state')}</h2>
          {p.state === 'active' ? (
            <Suspend partnerId={id} onDone={() => (show('sharing.partner.suspended'), partner.reload())} />
          ) : (
            <>
              <ErrorAlert error={resume.error} />
              <Button busy={resume.busy} onClick={() => resume.submit()}>
                {t('sharing.partner.resume')}
              </Button>
            </>
          )}
        </section>
      ) : null}

      <section aria-labelledby="partner-agreements">
        <h2 id="partner-agreements">{t('sharing.agreements.title')}</h2>
        <ErrorAlert error={agreements.error} />
        {agreements.data?.length === 0 ? <p>{t('sharing.agreements.none')}</p> : null}
        <ul>
          {(agreements.data ?? []).map((a) => (
            <li key={a.id}>
              <Link to={`/sharing/agreements/${a.id}`}>
                <span dir="auto">{a.title}</span>
              </Link>{' '}
              <AgreementStatusTag status={a.status} />
            </li>
          ))}
        </ul>
      </section>

      <OptionalSection<{
        pushes: { id: string; change: string; state: string; createdAt: string; overdue: boolean }[];
      }>
        path={`/api/partners/${id}/pushes?open=true`}
        title={t('sharing.pushes.title')}
      >
        {(data) =>
          data.pushes.length === 0 ? (
            <p>{t('sharing.pushes.none')}</p>
          ) : (
            <ul>
              {data.pushes.map((push) => (
                <li key={push.id}>
                  {push.change} · {push.state} · {formatDay(push.createdAt.slice(0, 10))}
                  {push.overdue ? <> · {t('governance.overdue')}</> : null}
                </li>
              ))}
            </ul>
          )
        }
      </OptionalSection>
    </div>
  );
}

function AddKey({ partnerId, onAdded }: { partnerId: string; onAdded(): void }) {
  const { t } = useI18n();
  const [jwk, setJwk] = useState('');
  const [use, setUse] = useState<'sig' | 'enc'>('sig');
  const [parseError, setParseError] = useState<string | undefined>();
  const { busy, error, submit } = useFormAction(async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(jwk);
      setParseError(undefined);
    } catch {
      setParseError(t('sharing.key.notJson'));
      return;
    }
    await api.post(`/api/partners/${partnerId}/keys`, { use, jwk: parsed });
    setJwk('');
    onAdded();
  });
  return (
    <form onSubmit={submit} noValidate>
      <h3>{t('sharing.key.add')}</h3>
      <ErrorAlert error={error} />
      <FormField label={t('sharing.key.use')} required>
        {({ id, describedBy }) => (
          <select
            id={id}
            aria-describedby={describedBy}
            value={use}
            onChange={(e) => setUse(e.target.value as 'sig' | 'enc')}
          >
            <option value="sig">{t('sharing.key.use.sig')}</option>
            <option value="enc">{t('sharing.key.use.enc')}</option>
          </select>
        )}
      </FormField>
      <TextAreaField
        label={t('sharing.key.jwk')}
        hint={t('sharing.key.jwkHint')}
        value={jwk}
        onChange={setJwk}
        required
        rows={5}
        dir="ltr"
        error={parseError}
      />
      <Button type="submit" busy={busy}>
        {t('sharing.key.add')}
      </Button>
    </form>
  );
}

function Suspend({ partnerId, onDone }: { partnerId: string; onDone(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const { busy, error, submit } = useFormAction(async () => {
    await api.post(`/api/partners/${partnerId}/suspend`, { reason });
    setReason('');
    onDone();
  });
  return (
    <form onSubmit={submit} noValidate>
      <ErrorAlert error={error} />
      <TextAreaField
        label={t('sharing.partner.suspendReason')}
        hint={t('sharing.partner.suspendHint')}
        value={reason}
        onChange={setReason}
        required
        maxLength={2000}
      />
      <Button type="submit" variant="danger" busy={busy}>
        {t('sharing.partner.suspend')}
      </Button>
    </form>
  );
}
