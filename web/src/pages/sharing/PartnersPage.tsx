/**
 * Partners (issue 17): the organisations data may be shared with, their kind, the state an authority acts for
 * (SHA-3), their keys and state. Administrators and the DPO register them; others with oversight read.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { AUTHORITY_KINDS, PARTNER_KINDS, type Partner, type PartnerKind } from '../../api/sharing.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link, useRouter } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, FormField, Loading, PageHeading, TextField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, useFieldErrors } from '../governance/common.tsx';

export const PARTNER_KEEPERS = ['dpo', 'admin'];

export default function PartnersPage() {
  const { t } = useI18n();
  const account = useAccount();
  const partners = useLoad(
    () => api.get<{ partners: Partner[] }>('/api/partners').then((r) => r.partners),
    [],
  );
  const [adding, setAdding] = useState(false);
  const canKeep = PARTNER_KEEPERS.includes(account.role);
  const list = partners.data ?? [];
  return (
    <div>
      <PageHeading>{t('sharing.partners.title')}</PageHeading>
      <p>{t('sharing.partners.explain')}</p>
      <ErrorAlert error={partners.error} />
      {partners.loading && !partners.data ? <Loading /> : null}
      {partners.data?.length === 0 ? <p>{t('sharing.partners.none')}</p> : null}
      {list.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('sharing.partners.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sharing.partner.name')}</th>
                <th scope="col">{t('sharing.partner.kind')}</th>
                <th scope="col">{t('sharing.partner.jurisdiction')}</th>
                <th scope="col">{t('sharing.partner.keys')}</th>
                <th scope="col">{t('sharing.partner.state')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <Link to={`/sharing/partners/${p.id}`}>
                      <span dir="auto">{p.name}</span>
                    </Link>
                  </th>
                  <td>
                    {t(`sharing.kind.${p.kind}`)}
                    {p.actsForCountry ? (
                      <span className="subtle">
                        {' '}
                        {t('sharing.partner.actsFor', { country: p.actsForCountry })}
                      </span>
                    ) : null}
                  </td>
                  <td dir="ltr" className="codes">
                    {p.jurisdiction}
                  </td>
                  <td>
                    {t('sharing.partner.keyCount', { count: p.keys.filter((k) => !k.retiredAt).length })}
                  </td>
                  <td>
                    <PartnerStateTag state={p.state} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canKeep && !adding ? (
        <Button onClick={() => setAdding(true)}>{t('sharing.partners.add')}</Button>
      ) : null}
      {canKeep && adding ? <PartnerForm onCancel={() => setAdding(false)} /> : null}
    </div>
  );
}

export function PartnerStateTag({ state }: { state: Partner['state'] }) {
  const { t } = useI18n();
  return <Tag kind={state === 'active' ? 'good' : 'bad'}>{t(`sharing.partner.state.${state}`)}</Tag>;
}

function PartnerForm({ onCancel }: { onCancel(): void }) {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<PartnerKind>('ngo');
  const [jurisdiction, setJurisdiction] = useState('');
  const [actsFor, setActsFor] = useState('');
  const [contactName, setContactName] = useState('');
  const [contactEmail, setContactEmail] = useState('');
  const [webhook, setWebhook] = useState('');
  const authority = AUTHORITY_KINDS.includes(kind);
  const { busy, error, submit } = useFormAction(async () => {
    const created = await api.post<Partner>('/api/partners', {
      name,
      kind,
      jurisdiction: jurisdiction.trim().toUpperCase(),
      ...(authority ? { actsForCountry: actsFor.trim().toUpperCase() } : {}),
      contacts: contactName || contactEmail ? [{ name: contactName, email: contactEmail }] : [],
      webhookUrl: webhook.trim() || null,
    });
    navigate(`/sharing/partners/${created.id}`);
  });
  const field = useFieldErrors(error);
  return (
    <form onSubmit={submit} noValidate>
      <h2>{t('sharing.partners.add')}</h2>
      <ErrorAlert error={error} />
      <TextField
        label={t('sharing.partner.name')}
        value={name}
        onChange={setName}
        required
        error={field('name')}
      />
      <FormField label={t('sharing.partner.kind')} required error={field('kind')}>
        {({ id, describedBy }) => (
          <select
            id={id}
            aria-describedby={describedBy}
            value={kind}
            onChange={(e) => setKind(e.target.value as PartnerKind)}
          >
            {PARTNER_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`sharing.kind.${k}`)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <TextField
        label={t('sharing.partner.jurisdiction')}
        hint={t('sharing.partner.countryHint')}
        value={jurisdiction}
        onChange={setJurisdiction}
        required
        dir="ltr"
        maxLength={3}
        error={field('jurisdiction')}
      />
      {authority ? (
        <TextField
          label={t('sharing.partner.actsForCountry')}
          hint={t('sharing.partner.actsForHint')}
          value={actsFor}
          onChange={setActsFor}
          required
          dir="ltr"
          maxLength={3}
          error={field('actsForCountry')}
        />
      ) : null}
      <TextField
        label={t('sharing.partner.contactName')}
        value={contactName}
        onChange={setContactName}
        error={field('contacts/0/name')}
      />
      <TextField
        label={t('sharing.partner.contactEmail')}
        type="email"
        dir="ltr"
        value={contactEmail}
        onChange={setContactEmail}
        error={field('contacts/0/email')}
      />
      <TextField
        label={t('sharing.partner.webhook')}
        hint={t('sharing.partner.webhookHint')}
        type="url"
        dir="ltr"
        value={webhook}
        onChange={setWebhook}
        error={field('webhookUrl')}
      />
      <div className="actions">
        <Button type="submit" busy={busy}>
          {t('sharing.partners.save')}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}
