/**
 * Data-sharing agreements (SHA-1): each partner's, with its state today. Supervisors, the DPO and administrators
 * propose; a DPO who did not propose approves (ACC-6). The form offers only fields every chosen purpose may read
 * and legal bases every chosen purpose accepts; the server checks the same.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Agreement, Partner } from '../../api/sharing.ts';
import { useDictionary, useLoad, usePurposes } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link, useRouter } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import {
  Button,
  ErrorAlert,
  FormField,
  Loading,
  PageHeading,
  TextAreaField,
  TextField,
} from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { today, useFieldErrors, usePurposeTitle } from '../governance/common.tsx';
import { AgreementStatusTag } from './common.tsx';

const PROPOSERS = ['supervisor', 'dpo', 'admin'];

export default function AgreementsPage() {
  const { t, formatDay, formatList } = useI18n();
  const account = useAccount();
  const purposeTitle = usePurposeTitle();
  const agreements = useLoad(
    () => api.get<{ agreements: Agreement[] }>('/api/agreements').then((r) => r.agreements),
    [],
  );
  const [proposing, setProposing] = useState(false);
  const list = agreements.data ?? [];
  return (
    <div>
      <PageHeading>{t('sharing.agreements.title')}</PageHeading>
      <p>{t('sharing.agreements.explain')}</p>
      <ErrorAlert error={agreements.error} />
      {agreements.loading && !agreements.data ? <Loading /> : null}
      {agreements.data?.length === 0 ? <p>{t('sharing.agreements.none')}</p> : null}
      {list.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('sharing.agreements.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sharing.agreement.name')}</th>
                <th scope="col">{t('sharing.agreement.partner')}</th>
                <th scope="col">{t('sharing.agreement.purposes')}</th>
                <th scope="col">{t('sharing.agreement.period')}</th>
                <th scope="col">{t('sharing.partner.state')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    <Link to={`/sharing/agreements/${a.id}`}>
                      <span dir="auto">{a.title}</span>
                    </Link>
                  </th>
                  <td dir="auto">{a.partnerName}</td>
                  <td>{formatList(a.purposes.map((p) => purposeTitle(p)))}</td>
                  <td>{t('processors.period', { from: formatDay(a.startsOn), to: formatDay(a.endsOn) })}</td>
                  <td>
                    <AgreementStatusTag status={a.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {PROPOSERS.includes(account.role) && !proposing ? (
        <Button onClick={() => setProposing(true)}>{t('sharing.agreements.propose')}</Button>
      ) : null}
      {proposing ? <ProposeForm onCancel={() => setProposing(false)} /> : null}
    </div>
  );
}

function ProposeForm({ onCancel }: { onCancel(): void }) {
  const { t, maybe } = useI18n();
  const { navigate } = useRouter();
  const purposeTitle = usePurposeTitle();
  const dictionary = useDictionary();
  const purposes = usePurposes();
  const partners = useLoad(
    () => api.get<{ partners: Partner[] }>('/api/partners').then((r) => r.partners),
    [],
  );
  const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  const [input, setInput] = useState({
    partnerId: '',
    title: '',
    purposes: [] as string[],
    fields: [] as string[],
    legalBasis: '',
    startsOn: today(),
    endsOn: inAYear,
    partnerRetention: '6 months',
    onwardSharingBanned: true,
    onwardSharingReason: '',
  });
  const set = (change: Partial<typeof input>) => setInput((i) => ({ ...i, ...change }));
  const usable = (purposes.data ?? []).filter((p) => p.status !== 'prohibited');
  const chosen = usable.filter((p) => input.purposes.includes(p.name));
  // MIN-1: only fields every chosen purpose may read; PUR-5: only bases every chosen purpose accepts.
  const fields = (dictionary.data?.fields ?? []).filter(
    (f) => chosen.length > 0 && chosen.every((p) => f.purposes.includes(p.name)),
  );
  const bases = chosen.length
    ? chosen.map((p) => p.legalBases).reduce((a, b) => a.filter((x) => b.includes(x)))
    : [];
  const { busy, error, submit } = useFormAction(async () => {
    const created = await api.post<Agreement>('/api/agreements', {
      ...input,
      partnerId: input.partnerId || (partners.data?.[0]?.id ?? ''),
      fields: input.fields.filter((f) => fields.some((x) => x.name === f)),
      onwardSharingReason: input.onwardSharingBanned ? null : input.onwardSharingReason,
    });
    navigate(`/sharing/agreements/${created.id}`);
  });
  const field = useFieldErrors(error);
  if (!dictionary.data || !purposes.data || !partners.data) return <Loading />;
  return (
    <form onSubmit={submit} noValidate>
      <h2>{t('sharing.agreements.propose')}</h2>
      <ErrorAlert error={error} />
      <FormField label={t('sharing.agreement.partner')} required error={field('partnerId')}>
        {({ id, describedBy }) => (
          <select
            id={id}
            aria-describedby={describedBy}
            value={input.partnerId}
            onChange={(e) => set({ partnerId: e.target.value })}
          >
            <option value="">{t('sharing.agreement.choosePartner')}</option>
            {partners.data?.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <TextField
        label={t('sharing.agreement.name')}
        value={input.title}
        onChange={(title) => set({ title })}
        required
        error={field('title')}
      />
      <fieldset>
        <legend>{t('sharing.agreement.purposes')}</legend>
        {field('purposes', true) ? <p className="field-error">{field('purposes', true)}</p> : null}
        {usable.map((p) => (
          <label key={p.name} className="checkbox">
            <input
              type="checkbox"
              checked={input.purposes.includes(p.name)}
              onChange={(e) =>
                set({
                  purposes: e.target.checked
                    ? [...input.purposes, p.name]
                    : input.purposes.filter((x) => x !== p.name),
                  legalBasis: '',
                })
              }
            />{' '}
            {purposeTitle(p.name, p.title)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('sharing.agreement.fields')}</legend>
        <p className="hint">{t('sharing.agreement.fieldsHint')}</p>
        {field('fields', true) ? <p className="field-error">{field('fields', true)}</p> : null}
        {fields.map((f) => (
          <label key={f.name} className="checkbox">
            <input
              type="checkbox"
              checked={input.fields.includes(f.name)}
              onChange={(e) =>
                set({
                  fields: e.target.checked
                    ? [...input.fields, f.name]
                    : input.fields.filter((x) => x !== f.name),
                })
              }
            />{' '}
            {maybe(`field.${f.name}`) ?? f.label}
          </label>
        ))}
      </fieldset>
      <FormField label={t('sharing.agreement.legalBasis')} required error={field('legalBasis')}>
        {({ id, describedBy }) => (
          <select
            id={id}
            aria-describedby={describedBy}
            value={input.legalBasis}
            onChange={(e) => set({ legalBasis: e.target.value })}
          >
            <option value="">{t('sharing.agreement.chooseBasis')}</option>
            {bases.map((b) => (
              <option key={b} value={b}>
                {t(`basis.${b}`)}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <TextField
        label={t('sharing.agreement.startsOn')}
        type="date"
        value={input.startsOn}
        onChange={(startsOn) => set({ startsOn })}
        required
        error={field('startsOn')}
      />
      <TextField
        label={t('sharing.agreement.endsOn')}
        type="date"
        value={input.endsOn}
        onChange={(endsOn) => set({ endsOn })}
        required
        error={field('endsOn')}
      />
      <TextField
        label={t('sharing.agreement.retention')}
        hint={t('sharing.agreement.retentionHint')}
        value={input.partnerRetention}
        onChange={(partnerRetention) => set({ partnerRetention })}
        required
        dir="ltr"
        error={field('partnerRetention')}
      />
      <label className="checkbox">
        <input
          type="checkbox"
          checked={input.onwardSharingBanned}
          onChange={(e) => set({ onwardSharingBanned: e.target.checked })}
        />{' '}
        {t('sharing.agreement.onwardBanned')}
      </label>
      {input.onwardSharingBanned ? null : (
        <TextAreaField
          label={t('sharing.agreement.onwardReason')}
          value={input.onwardSharingReason}
          onChange={(onwardSharingReason) => set({ onwardSharingReason })}
          required
          error={field('onwardSharingReason')}
        />
      )}
      <div className="actions">
        <Button type="submit" busy={busy}>
          {t('sharing.agreements.propose')}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}
