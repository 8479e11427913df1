/**
 * A staff member's work list (issue 16; GOV-1 – GOV-4, RIG-2, RIG-4, ACC-6, ACC-8): what waits on them today,
 * grouped by kind, overdue first and said in words as well as colour (WCAG 1.4.1), each item linking to where it is
 * handled.
 * The home page of every role and the governance page show the same list.
 */
import { api } from '../api/client.ts';
import { WORK_KINDS, type WorkItem } from '../api/governance.ts';
import type { Role } from '../api/types.ts';
import { useLoad } from '../app/data.ts';
import { Link } from '../app/router.tsx';
import { useAccount } from '../app/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Tag, usePurposeTitle } from '../pages/governance/common.tsx';
import { ErrorAlert, Loading } from './ui.tsx';

/** `headingLevel`: 2 under a page heading. */
export function WorkList() {
  const { t } = useI18n();
  const account = useAccount();
  const worklist = useLoad(() => api.get<{ items: WorkItem[] }>('/api/worklist').then((r) => r.items), []);
  const items = worklist.data ?? [];
  const groups = WORK_KINDS.map((kind) => ({ kind, items: items.filter((i) => i.kind === kind) })).filter(
    (g) => g.items.length > 0,
  );
  const overdue = items.filter((i) => i.overdue).length;
  return (
    <section aria-labelledby="worklist-title" className="worklist">
      <h2 id="worklist-title">{t('work.title')}</h2>
      <ErrorAlert error={worklist.error} />
      {worklist.loading ? <Loading /> : null}
      {worklist.data ? (
        <p className={overdue > 0 ? 'summary alert alert-warning' : 'summary'} role="status">
          {items.length === 0
            ? t('governance.nothing')
            : t('governance.count', { count: items.length, overdue })}
        </p>
      ) : null}
      {groups.map((group) => (
        <section key={group.kind} aria-labelledby={`work-${group.kind}`} className="work-group">
          <h3 id={`work-${group.kind}`}>
            {t(`work.kind.${group.kind}`)} <span className="count">({group.items.length})</span>
          </h3>
          <ul className="cards">
            {group.items.map((item) => (
              <WorkCard key={`${item.kind}-${item.subject}-${item.ref}`} item={item} role={account.role} />
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}

function WorkCard({ item, role }: { item: WorkItem; role: Role }) {
  const { t, formatDay, formatDate } = useI18n();
  const subject = useSubject();
  const details = useDetails();
  const to = linkOf(item, role);
  const label = subject(item);
  return (
    <li className={item.overdue ? 'card work-item work-overdue' : 'card work-item'}>
      <h4>
        {to ? <Link to={to}>{label}</Link> : label}
        {item.overdue ? <Tag kind="bad">{t('governance.overdue')}</Tag> : null}
      </h4>
      {item.dueAt ? (
        <p>{t('work.dueAt', { time: formatDate(item.dueAt) })}</p>
      ) : item.due ? (
        <p>{t('governance.due', { day: formatDay(item.due) })}</p>
      ) : null}
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
        // AUD-6: an anomaly names its rule.
        if (item.subject.startsWith('anomaly.'))
          return t('work.anomaly', { rule: t(`alerts.rule.${item.subject.slice('anomaly.'.length)}`) });
        return t(`governance.alert.${item.subject === 'break-glass' ? 'break-glass' : 'other'}`);
      case 'rights-request-due':
        return t('work.rightsRequest', {
          kind: t(`rights.kind.${item.subject}`),
          ref: item.ref?.slice(0, 8),
        });
      case 'correction-to-approve':
        return t('work.correction', { purpose: purposeTitle(item.subject), ref: item.ref?.slice(0, 8) });
      case 'notice-unacknowledged':
        // A partner's name: an organisation, not a registered person.
        return item.subject;
      case 'restore-drill-due':
        return t('work.restoreDrill');
      case 'retention-sweep-failed':
        return t('work.sweepFailed', { day: item.subject });
      case 'legal-hold-to-approve':
        return t('work.legalHold', { ref: item.subject.slice(0, 8) });
      case 'grants-to-review':
        return t('work.grantsToReview');
      case 'grants-lapsing':
        return t('work.grantsLapsing');
      case 'training-overdue':
        return t('work.trainingOverdue');
      case 'incident-to-notify':
        return t('work.incident', { reference: item.subject });
      case 'breach-notices-to-issue':
      case 'breach-letters-to-print':
        return t(`work.${item.kind}.title`, { reference: item.subject });
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
      const notices = /^(overdue|undelivered)-(\d+)$/.exec(code);
      if (item.kind === 'notice-unacknowledged' && notices)
        return t(`work.notices.${notices[1]}`, { count: Number(notices[2]) });
      if (item.kind === 'processor-problem') return maybe(`processors.problem.${code}`) ?? code;
      if (item.kind === 'dpia-missing') return maybe(`dpia.status.${code}`) ?? t('governance.noDpia');
      if (item.kind === 'break-glass-to-review') return purposeTitle(code);
      if (item.kind === 'rights-request-due') return maybe(`rights.state.${code}`) ?? code;
      if (item.kind === 'correction-to-approve') return maybe(`group.${code}`) ?? code;
      if (item.kind === 'restore-drill-due') return maybe(`work.restoreDrill.${code}`) ?? code;
      if (item.kind === 'legal-hold-to-approve') return maybe(`legalHolds.reason.${code}`) ?? code;
      if (item.kind === 'alert' && code === 'suspended') return t('alerts.suspended');
      const count = /^count-(\d+)$/.exec(code)?.[1];
      if (count) return t(`work.${item.kind}.count`, { count: Number(count) });
      if (item.kind === 'incident-to-notify') return maybe(`work.incident.${code}`) ?? code;
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
      return role === 'dpo' ? '/admin/break-glass' : null;
    case 'alert':
      if (role !== 'dpo') return null;
      // AUD-6: anomalies are looked into on the Alerts page, break-glass use on its review page.
      return item.subject.startsWith('anomaly.') ? `/alerts#alert-${item.ref}-card` : '/admin/break-glass';

    case 'rights-request-due':
      return `/rights/${item.ref}`;
    case 'correction-to-approve':
      return '/corrections';
    case 'notice-unacknowledged':
      return item.ref ? `/sharing/partners/${item.ref}` : null;
    case 'restore-drill-due':
    case 'retention-sweep-failed':
      return '/retention';
    case 'legal-hold-to-approve':
      return '/retention#legal-holds';
    case 'grants-to-review':
    case 'grants-lapsing':
      return '/reviews';
    case 'training-overdue':
      return '/reviews#training';
    case 'incident-to-notify':
    case 'breach-notices-to-issue':
      return `/incidents/${item.ref ?? ''}`;
    case 'breach-letters-to-print':
      return `/incidents/${item.ref ?? ''}/letters`;
  }
  const never: never = item.kind;
  return never;
}
