/**
 * BRE-3, BRE-2 on the incident page: the people the compromised source exposed in its window, computed from the
 * ledger — counts by category and by kind of exposure, never names — and, for a high-risk breach, the notices to
 * them (the DPO issues them once, after re-authentication; a drill's are drafts) and the letters to print.
 */
import { useState } from 'react';
import type { Incident } from '../../api/incidents.ts';
import {
  type AffectedSummary,
  computeAffected,
  getAffected,
  issueNotices,
} from '../../api/incidents-affected.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export default function AffectedPeopleSection({
  incident,
  onChanged,
}: {
  incident: Incident;
  onChanged?: () => void;
}) {
  const { t, formatDate, formatNumber } = useI18n();
  const account = useAccount();
  const loaded = useLoad(() => getAffected(incident.id), [incident.id]);
  const [done, setDone] = useState<string | null>(null);
  const isDpo = account.role === 'dpo';
  const summary = loaded.data ?? null;
  const compute = useFormAction(async () => {
    const computed = await computeAffected(incident.id);
    setDone(t('affected.computed', { people: formatNumber(computed.people) }));
    loaded.reload();
    onChanged?.();
  });
  const issue = useFormAction(async () => {
    const issued = await issueNotices(incident.id);
    setDone(
      t(issued.drill ? 'affected.notices.drafted' : 'affected.notices.issued', {
        issued: formatNumber(issued.issued),
        letters: formatNumber(issued.letters),
      }),
    );
    loaded.reload();
  });
  const issuedAlready = (summary?.notices.issued ?? 0) > 0;
  return (
    <section aria-labelledby="affected-title">
      <h2 id="affected-title">{t('affected.title')}</h2>
      <p className="hint">{t('affected.explain')}</p>
      {incident.source === null || incident.window.from === null ? (
        <Notice kind="info">{t('affected.needsSource')}</Notice>
      ) : null}
      <ErrorAlert error={loaded.error ?? compute.error ?? issue.error} />
      <div role="status">{done ? <Notice kind="success">{done}</Notice> : null}</div>
      {loaded.loading && loaded.data === undefined ? <Loading /> : null}
      {summary ? <Counts summary={summary} /> : null}
      {!loaded.loading && summary === null ? <p>{t('affected.none')}</p> : null}
      {isDpo && incident.source !== null && !issuedAlready ? (
        <p>
          <Button variant="secondary" busy={compute.busy} onClick={() => compute.submit()}>
            {summary ? t('affected.computeAgain') : t('affected.compute')}
          </Button>
        </p>
      ) : null}
      <h3>{t('affected.notices.title')}</h3>
      {!incident.highRisk ? <p>{t('affected.notices.notHighRisk')}</p> : null}
      {summary && issuedAlready ? (
        <>
          <dl className="facts">
            <div>
              <dt>{t(incident.drill ? 'affected.notices.draftedAt' : 'affected.notices.issuedAt')}</dt>
              <dd>{summary.notices.issuedAt ? formatDate(summary.notices.issuedAt) : '—'}</dd>
            </div>
            <div>
              <dt>{t('affected.notices.counts')}</dt>
              <dd>
                {t('affected.notices.countsValue', {
                  issued: formatNumber(summary.notices.issued),
                  portal: formatNumber(summary.notices.portal),
                  letters: formatNumber(summary.notices.letters),
                  read: formatNumber(summary.notices.read),
                })}
              </dd>
            </div>
          </dl>
          {isDpo ? (
            <p>
              <Link to={`/incidents/${incident.id}/letters`}>{t('affected.letters.link')}</Link>
            </p>
          ) : null}
        </>
      ) : null}
      {isDpo && incident.highRisk && summary && !issuedAlready && summary.people > 0 ? (
        <>
          <p className="hint">
            {t(incident.drill ? 'affected.notices.drillExplain' : 'affected.notices.explain')}
          </p>
          <Button busy={issue.busy} onClick={() => issue.submit()}>
            {t(incident.drill ? 'affected.notices.draft' : 'affected.notices.issue', {
              people: formatNumber(summary.people),
            })}
          </Button>
        </>
      ) : null}
    </section>
  );
}

function Counts({ summary }: { summary: AffectedSummary }) {
  const { t, formatDate, formatNumber } = useI18n();
  return (
    <>
      <p className="affected-people">
        <strong>{t('affected.people', { people: formatNumber(summary.people) })}</strong>
      </p>
      <dl className="facts">
        <div>
          <dt>{t('affected.window')}</dt>
          <dd>
            {formatDate(summary.window.from)} – {formatDate(summary.window.to)}
          </dd>
        </div>
        <div>
          <dt>{t('affected.computedAt')}</dt>
          <dd>{formatDate(summary.computedAt)}</dd>
        </div>
        <div>
          <dt>{t('affected.ledger')}</dt>
          <dd>
            {t('affected.ledgerValue', {
              events: formatNumber(summary.events),
              head: formatNumber(summary.ledgerHead),
            })}
          </dd>
        </div>
      </dl>
      {summary.attribution === 'partner-wide' ? (
        <Notice kind="warning">{t('affected.partnerWide')}</Notice>
      ) : null}
      {summary.denied > 0 ? (
        <p className="hint">{t('affected.denied', { denied: formatNumber(summary.denied) })}</p>
      ) : null}
      <CountTable
        caption={t('affected.byCategory')}
        heading={t('affected.category')}
        counts={summary.byCategory}
        label={(category) => t(category === 'not-recorded' ? 'affected.notRecorded' : `category.${category}`)}
      />
      <CountTable
        caption={t('affected.byExposure')}
        heading={t('affected.exposure')}
        counts={summary.byExposure}
        label={(kind) => t(`affected.exposureName.${kind}`)}
      />
    </>
  );
}

/** People per category, or per kind of exposure: most first, counts only (never names); nothing when empty. */
function CountTable({
  caption,
  heading,
  counts,
  label,
}: {
  caption: string;
  heading: string;
  counts: Record<string, number>;
  label: (key: string) => string;
}) {
  const { t, formatNumber } = useI18n();
  const rows = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return null;
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{heading}</th>
            <th scope="col">{t('affected.peopleColumn')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([key, n]) => (
            <tr key={key}>
              <th scope="row">{label(key)}</th>
              <td>{formatNumber(n)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
