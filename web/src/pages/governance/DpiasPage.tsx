/**
 * The DPIA register (GOV-2, PUR-6): every purpose's impact assessment, its newest version and the one in force;
 * purposes that need one and have none yet can have theirs started here.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { DpiaVersion } from '../../api/governance.ts';
import { useLoad, usePurposes } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link, useRouter } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, FormField, Loading, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { DpiaStatusTag, Tag, usePurposeTitle } from './common.tsx';
import { emptyDpiaContent } from './dpia-content.ts';

const AUTHORS = ['supervisor', 'dpo', 'admin'];

export default function DpiasPage() {
  const { t, formatDay } = useI18n();
  const account = useAccount();
  const purposeTitle = usePurposeTitle();
  const dpias = useLoad(
    () =>
      api
        .get<{ dpias: { latest: DpiaVersion; inForce: DpiaVersion | null }[] }>('/api/dpias')
        .then((r) => r.dpias),
    [],
  );

  return (
    <div>
      <PageHeading>{t('dpias.title')}</PageHeading>
      <p>{t('dpias.explain')}</p>
      <ErrorAlert error={dpias.error} />
      {dpias.loading ? <Loading /> : null}
      {dpias.data?.length === 0 ? <p>{t('dpias.none')}</p> : null}
      {dpias.data && dpias.data.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('dpias.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('consent.purpose')}</th>
                <th scope="col">{t('dpias.latest')}</th>
                <th scope="col">{t('dpias.inForce')}</th>
              </tr>
            </thead>
            <tbody>
              {dpias.data.map(({ latest, inForce }) => (
                <tr key={latest.id}>
                  <th scope="row">
                    <Link to={`/governance/dpias/${latest.id}`}>{purposeTitle(latest.subject)}</Link>
                  </th>
                  <td>
                    {t('dpia.versionN', { version: latest.version })} <DpiaStatusTag status={latest.status} />
                  </td>
                  <td>
                    {inForce?.reviewDate ? (
                      <>
                        {t('dpias.inForceUntil', {
                          version: inForce.version,
                          day: formatDay(inForce.reviewDate),
                        })}
                        {inForce.reviewDate < new Date().toISOString().slice(0, 10) ? (
                          <Tag kind="bad">{t('dpia.expired')}</Tag>
                        ) : null}
                      </>
                    ) : (
                      t('dpias.noneInForce')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {AUTHORS.includes(account.role) && dpias.data ? (
        <StartDpia existing={dpias.data.map((d) => d.latest.subject)} />
      ) : null}
    </div>
  );
}

/** Start the DPIA of a purpose that has none: a draft with the three feared events to assess. */
function StartDpia({ existing }: { existing: string[] }) {
  const { t } = useI18n();
  const { navigate, search } = useRouter();
  const purposeTitle = usePurposeTitle();
  const purposes = usePurposes();
  const candidates = (purposes.data ?? []).filter(
    (p) => p.status !== 'prohibited' && !existing.includes(p.name),
  );
  const wanted = search.get('purpose');
  const [purpose, setPurpose] = useState(wanted ?? '');
  const chosen = purpose || candidates.find((p) => p.dpia.required)?.name || candidates[0]?.name || '';
  const { busy, error, submit } = useFormAction(async () => {
    const created = await api.post<DpiaVersion>('/api/dpias', {
      purpose: chosen,
      content: emptyDpiaContent(),
    });
    navigate(`/governance/dpias/${created.id}`);
  });
  if (candidates.length === 0) return null;
  return (
    <section aria-labelledby="start-dpia" className="card">
      <h2 id="start-dpia">{t('dpias.start')}</h2>
      <ErrorAlert error={error} />
      <form onSubmit={submit}>
        <FormField label={t('consent.purpose')} hint={t('dpias.startHint')}>
          {({ id, describedBy }) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={chosen}
              onChange={(e) => setPurpose(e.target.value)}
            >
              {candidates.map((p) => (
                <option key={p.name} value={p.name}>
                  {purposeTitle(p.name, p.title)}
                  {p.dpia.required ? ` — ${t('dpias.required')}` : ''}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <Button type="submit" busy={busy}>
          {t('dpias.startButton')}
        </Button>
      </form>
    </section>
  );
}
