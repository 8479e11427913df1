/**
 * The governance work list (GOV-1 – GOV-4, PUR-6, ACC-2, ACC-8): what waits on the DPO, oversight or an
 * administrator today — DPIAs to decide or renew, processors with lapsed contracts, concerns whose clocks run,
 * policy changes to approve, emergency access to review, rights requests by deadline — each with a link to where
 * it is handled; for the DPO and oversight, the month's rights requests in figures and break-glass use.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { BreakGlassOverview } from '../../api/governance.ts';
import { CHANNELS, REFUSAL_REASONS, RIGHTS_KINDS, type RightsFigures } from '../../api/rights-requests.ts';
import { useLoad } from '../../app/data.ts';
import { useAccount } from '../../app/session.tsx';
import { ErrorAlert, Loading, PageHeading, TextField } from '../../components/ui.tsx';
import { WorkList } from '../../components/WorkList.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, today, usePurposeTitle } from './common.tsx';

export default function GovernancePage() {
  const { t } = useI18n();
  const account = useAccount();
  return (
    <div>
      <PageHeading>{t('governance.title')}</PageHeading>
      <p>{t('governance.explain')}</p>
      <WorkList />
      {account.role === 'dpo' || account.role === 'oversight' ? <RightsFiguresSection /> : null}
      {account.role === 'dpo' || account.role === 'oversight' ? <BreakGlassSummary /> : null}
    </div>
  );
}

/** RIG-1, RIG-2, RIG-5: a month of rights requests in counts, as the annual report will give them. */
function RightsFiguresSection() {
  const { t, formatNumber } = useI18n();
  const [month, setMonth] = useState(today().slice(0, 7));
  const valid = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const figures = useLoad(
    () =>
      valid
        ? api.get<RightsFigures>(`/api/rights-requests/figures?month=${month}`)
        : Promise.resolve(undefined),
    [month],
  );
  const f = figures.data;
  const n = (value: number) => formatNumber(value);
  const counts = (caption: string, prefix: string, keys: string[], values: Record<string, number>) => (
    <table className="figures">
      <caption>{caption}</caption>
      <tbody>
        {keys.map((key) => (
          <tr key={key}>
            <th scope="row">{t(`${prefix}.${key}`)}</th>
            <td>{n(values[key] ?? 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <section aria-labelledby="rights-figures">
      <h2 id="rights-figures">{t('rights.figures.title')}</h2>
      <TextField
        label={t('rights.figures.month')}
        hint={t('rights.figures.monthHint')}
        value={month}
        onChange={setMonth}
        dir="ltr"
        maxLength={7}
        pattern="\d{4}-\d{2}"
        error={valid ? undefined : t('rights.figures.monthInvalid')}
      />
      <ErrorAlert error={figures.error} />
      {figures.loading ? <Loading /> : null}
      {f ? (
        <>
          <dl className="facts">
            <div>
              <dt>{t('rights.figures.received')}</dt>
              <dd>{n(f.received.total)}</dd>
            </div>
            <div>
              <dt>{t('rights.figures.answered')}</dt>
              <dd>{n(f.answered.total)}</dd>
            </div>
            <div>
              <dt>{t('rights.figures.answeredLate')}</dt>
              <dd>{n(f.answered.late)}</dd>
            </div>
            <div>
              <dt>{t('rights.figures.medianDays')}</dt>
              <dd>{f.answered.medianDays === null ? '—' : n(f.answered.medianDays)}</dd>
            </div>
            <div>
              <dt>{t('rights.figures.extended')}</dt>
              <dd>{n(f.extended)}</dd>
            </div>
            <div>
              <dt>{t('rights.figures.refused')}</dt>
              <dd>{n(f.refused.total)}</dd>
            </div>
            <div>
              <dt>{t('rights.figures.openNow')}</dt>
              <dd>{n(f.now.open)}</dd>
            </div>
            <div>
              <dt>{t('rights.figures.overdueNow')}</dt>
              <dd>
                {n(f.now.overdue)}
                {f.now.overdue > 0 ? <Tag kind="bad">{t('governance.overdue')}</Tag> : null}
              </dd>
            </div>
          </dl>
          <div className="figure-tables">
            {counts(t('rights.figures.byKind'), 'rights.kind', RIGHTS_KINDS, f.received.byKind)}
            {counts(t('rights.figures.byChannel'), 'rights.channel', CHANNELS, f.received.byChannel)}
            {counts(t('rights.figures.byReason'), 'rights.refusal', REFUSAL_REASONS, f.refused.byReason)}
          </div>
        </>
      ) : null}
    </section>
  );
}

/** ACC-8 for oversight: how emergency access is used and reviewed, without whose record or why. */
function BreakGlassSummary() {
  const { t, formatDate, formatNumber } = useI18n();
  const purposeTitle = usePurposeTitle();
  const overview = useLoad(() => api.get<BreakGlassOverview>('/api/break-glass-overview'), []);
  const o = overview.data;
  return (
    <section aria-labelledby="break-glass-overview">
      <h2 id="break-glass-overview">{t('governance.breakGlassTitle')}</h2>
      <ErrorAlert error={overview.error} />
      {overview.loading ? <Loading /> : null}
      {o ? (
        <>
          <dl className="facts">
            <div>
              <dt>{t('governance.breakGlassUses', { days: formatNumber(o.days) })}</dt>
              <dd>{formatNumber(o.grants.length)}</dd>
            </div>
            <div>
              <dt>{t('governance.breakGlassUnreviewed')}</dt>
              <dd>{formatNumber(o.unreviewed)}</dd>
            </div>
            <div>
              <dt>{t('governance.breakGlassLate')}</dt>
              <dd>{formatNumber(o.reviewOverdue)}</dd>
            </div>
            <div>
              <dt>{t('governance.breakGlassNotJustified')}</dt>
              <dd>{formatNumber(o.notJustified)}</dd>
            </div>
          </dl>
          {o.grants.length > 0 ? (
            <div className="table-scroll">
              <table>
                <caption className="visually-hidden">{t('governance.breakGlassTitle')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('governance.started')}</th>
                    <th scope="col">{t('consent.purpose')}</th>
                    <th scope="col">{t('governance.review')}</th>
                  </tr>
                </thead>
                <tbody>
                  {o.grants.map((g) => (
                    <tr key={g.id}>
                      <td>{formatDate(g.startsAt)}</td>
                      <td>{purposeTitle(g.purpose)}</td>
                      <td>
                        {g.reviewed
                          ? t(
                              `governance.outcome.${g.reviewed.outcome === 'justified' ? 'justified' : 'not-justified'}`,
                            )
                          : t('governance.notReviewed')}
                        {g.reviewOverdue ? <Tag kind="bad">{t('governance.late')}</Tag> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
