import { NAVIGATION } from '../app/navigation.ts';
import { Link } from '../app/router.tsx';
import { useAccount } from '../app/session.tsx';
import { PageHeading } from '../components/ui.tsx';
import { WorkList } from '../components/WorkList.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function HomePage() {
  const { t } = useI18n();
  const account = useAccount();
  const tasks = NAVIGATION.filter((item) => item.roles.includes(account.role));
  return (
    <div>
      <PageHeading>{t('home.title')}</PageHeading>
      <p>{t('home.welcome', { role: t(`role.${account.role}`) })}</p>
      {/* Every role starts the day from what waits on it, not from a search box (issue 16). */}
      <WorkList />
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
