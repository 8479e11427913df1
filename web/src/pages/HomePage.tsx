import { api } from '../api/client.ts';
import type { WorkItem } from '../api/governance.ts';
import { useLoad } from '../app/data.ts';
import { NAVIGATION } from '../app/navigation.ts';
import { Link } from '../app/router.tsx';
import { useAccount } from '../app/session.tsx';
import { PageHeading } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

/** Roles whose day starts with the governance work list (GOV-1 – GOV-4). */
const GOVERNS = ['dpo', 'oversight', 'admin'];

export function HomePage() {
  const { t } = useI18n();
  const account = useAccount();
  const tasks = NAVIGATION.filter((item) => item.roles.includes(account.role));
  return (
    <div>
      <PageHeading>{t('home.title')}</PageHeading>
      <p>{t('home.welcome', { role: t(`role.${account.role}`) })}</p>
      {GOVERNS.includes(account.role) ? <WorklistSummary /> : null}
      <ul className="tiles">
        {tasks.map((task) => (
          <li key={task.path}>
            <Link to={task.path} className="tile">
              <strong>{t(task.label)}</strong>
              <span>{t(`${task.label}.description`)}</span>
            </Link>
          </li>
        ))}
        <li>
          <Link to="/account" className="tile">
            <strong>{t('nav.account')}</strong>
            <span>{t('nav.account.description')}</span>
          </Link>
        </li>
      </ul>
      <p className="aside">{t('home.privacy')}</p>
    </div>
  );
}

/** How much waits on the work list, with the way to it. */
function WorklistSummary() {
  const { t } = useI18n();
  const worklist = useLoad(() => api.get<{ items: WorkItem[] }>('/api/worklist').then((r) => r.items), []);
  const items = worklist.data;
  if (!items) return null;
  const overdue = items.filter((i) => i.overdue).length;
  return (
    <div className={overdue > 0 ? 'alert alert-warning' : 'alert'}>
      {items.length === 0 ? t('governance.nothing') : t('governance.count', { count: items.length, overdue })}{' '}
      <Link to="/governance">{t('home.openWorklist')}</Link>
    </div>
  );
}
