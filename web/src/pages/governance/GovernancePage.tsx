/**
 * The governance work list (GOV-1 – GOV-4, PUR-6, ACC-2, ACC-8): what waits on the DPO, oversight or an
 * administrator today — DPIAs to decide or renew, processors with lapsed contracts, concerns whose clocks run,
 * policy changes to approve, emergency access to review — grouped by kind, each with a link to where it is handled.
 */
import { api } from '../../api/client.ts';
import { type BreakGlassOverview, WORK_KINDS, type WorkItem } from '../../api/governance.ts';
import type { Role } from '../../api/types.ts';
import { useLoad } from '../../app/data.ts';
import { Link } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { ErrorAlert, Loading, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, usePurposeTitle } from './common.tsx';

export default function GovernancePage() {
  const { t } = useI18n();
  const account = useAccount();
  const worklist = useLoad(() => api.get<{ items: WorkItem[] }>('/api/worklist').then((r) => r.items), []);
  const items = worklist.data ?? [];
  const groups = WORK_KINDS.map((kind) => ({ kind, items: items.filter((i) => i.kind === kind) })).filter(
    (g) => g.items.length > 0,
  );
  const overdue = items.filter((i) => i.overdue).length;

  return (
    <div>
      <PageHeading>{t('governance.title')}</PageHeading>
      <p>{t('governance.explain')}</p>
      <ErrorAlert error={worklist.error} />
      {worklist.loading ? <Loading /> : null}
      {worklist.data ? (
        <p className="summary" role="status">
          {items.length === 0
            ? t('governance.nothing')
            : t('governance.count', { count: items.length, overdue })}
        </p>
      ) : null}
      {groups.map((group) => (
        <section key={group.kind} aria-labelledby={`work-${group.kind}`} className="work-group">
          <h2 id={`work-${group.kind}`}>
            {t(`work.kind.${group.kind}`)} <span className="count">({group.items.length})</span>
          </h2>
          <ul className="cards">
            {group.items.map((item) => (
              <WorkCard key={`${item.kind}-${item.subject}-${item.ref}`} item={item} role={account.role} />
            ))}
          </ul>
        </section>
      ))}
      {account.role === 'dpo' || account.role === 'oversight' ? <BreakGlassSummary /> : null}
    </div>
  );
}

function WorkCard({ item, role }: { item: WorkItem; role: Role }) {
  const { t, formatDay } = useI18n();
  const subject = useSubject();
  const details = useDetails();
  const to = linkOf(item, role);
  const label = subject(item);
  return (
    <li className={item.overdue ? 'card work-item work-overdue' : 'card work-item'}>
      <h3>
        {to ? <Link to={to}>{label}</Link> : label}
        {item.overdue ? <Tag kind="bad">{t('governance.overdue')}</Tag> : null}
      </h3>
      {item.due ? <p>{t('governance.due', { day: formatDay(item.due) })}</p> : null}
      {item.details.length > 0 ? <p className="details">{details(item).join(' · ')}</p> : null}
    </li>
  );
}

function useSubject() {
  const { t } = useI18n();
  const purposeTitle = usePurposeTitle();
  return (item: WorkItem): string => {
    switch (item.kind) {
      case 'dpia-to-decide':
      case 'dpia-returned':
      case 'dpia-missing':
      case 'dpia-expiring':
      case 'dpia-expired':
        return t('governance.dpiaOf', { purpose: purposeTitle(item.subject) });
      case 'processor-problem':
        return item.subject;
      case 'concern-to-acknowledge':
      case 'concern-to-answer':
        return t('governance.concern', { ref: item.subject.slice(0, 8) });
      case 'policy-to-decide':
        return t('governance.policyVersion', { version: item.ref ?? item.subject });
      case 'break-glass-to-review':
        return t('governance.breakGlass', { purpose: purposeTitle(item.details[0] ?? '') });
      case 'alert':
        return t(`governance.alert.${item.subject === 'break-glass' ? 'break-glass' : 'other'}`);
    }
  };
}

function useDetails() {
  const { t, maybe } = useI18n();
  const purposeTitle = usePurposeTitle();
  return (item: WorkItem): string[] =>
    item.details.map((code) => {
      const version = /^version-(\d+)$/.exec(code)?.[1];
      if (version) return t('governance.version', { version });
      const rollback = /^rollback-of-(\d+)$/.exec(code)?.[1];
      if (rollback) return t('governance.rollbackOf', { version: rollback });
      if (code === 'about-dpo') return t('concerns.aboutDpo');
      if (item.kind === 'processor-problem') return maybe(`processors.problem.${code}`) ?? code;
      if (item.kind === 'dpia-missing') return maybe(`dpia.status.${code}`) ?? t('governance.noDpia');
      if (item.kind === 'break-glass-to-review') return purposeTitle(code);
      return code;
    });
}

/** Where each kind of item is handled; emergency access is reviewed by the DPO only. */
function linkOf(item: WorkItem, role: Role): string | null {
  switch (item.kind) {
    case 'dpia-to-decide':
    case 'dpia-returned':
    case 'dpia-missing':
    case 'dpia-expiring':
    case 'dpia-expired':
      return item.ref
        ? `/governance/dpias/${item.ref}`
        : `/governance/dpias?purpose=${encodeURIComponent(item.subject)}`;
    case 'processor-problem':
      return `/governance/processors${item.ref ? `?edit=${item.ref}` : ''}`;
    case 'concern-to-acknowledge':
    case 'concern-to-answer':
      return `/governance/concerns/${item.ref ?? item.subject}`;
    case 'policy-to-decide':
      return `/governance/policies?version=${item.ref ?? ''}`;
    case 'break-glass-to-review':
    case 'alert':
      return role === 'dpo' ? '/admin/break-glass' : null;
  }
  const never: never = item.kind;
  return never;
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
