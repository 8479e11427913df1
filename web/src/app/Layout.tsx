import { type ReactNode, useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { BreakGlassGrant } from '../api/types.ts';
import { LANGUAGES, useI18n } from '../i18n/i18n.tsx';
import { IncidentBanner } from '../pages/incidents/IncidentBanner.tsx';
import { NAVIGATION } from './navigation.ts';
import { Link, useRouter } from './router.tsx';
import { useSession } from './session.tsx';

/**
 * The page frame. `bare`: before sign-in (no menu). `publicPage`: the pages for anyone (record of processing,
 * concerns), with their own menu and nothing that asks who is there.
 */
export function Layout({
  bare,
  publicPage,
  children,
}: {
  bare?: boolean;
  publicPage?: boolean;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const staff = !bare && !publicPage;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="top">
        <div className="brand">
          <span aria-hidden="true" className="logo">
            ⌂
          </span>{' '}
          Haven
        </div>
        {staff ? <MainNavigation /> : null}
        {publicPage ? <PublicNavigation /> : null}
        <div className="top-tools">
          <LanguageSwitch />
          {staff ? <AccountMenu /> : null}
        </div>
      </header>
      {staff ? <BreakGlassBanner /> : null}
      {staff ? <DpoIncidentBanner /> : null}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      {bare ? (
        // Before sign-in, the pages for anyone are a link away: the record of processing and the concern channel.
        <footer className="public-links">
          <Link to="/transparency">{t('nav.transparency')}</Link>
          <Link to="/concern">{t('nav.raiseConcern')}</Link>
        </footer>
      ) : null}
    </>
  );
}

function MainNavigation() {
  const { t } = useI18n();
  const { session } = useSession();
  const role = session?.account?.role;
  const items = NAVIGATION.filter((item) => role && item.roles.includes(role));
  return (
    <nav aria-label={t('nav.main')}>
      <ul>
        <li>
          <Link to="/">{t('nav.home')}</Link>
        </li>
        {items.map((item) => (
          <li key={item.path}>
            <Link to={item.path}>{t(item.label)}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function PublicNavigation() {
  const { t } = useI18n();
  return (
    <nav aria-label={t('nav.main')}>
      <ul>
        <li>
          <Link to="/transparency">{t('nav.transparency')}</Link>
        </li>
        <li>
          <Link to="/concern">{t('nav.raiseConcern')}</Link>
        </li>
      </ul>
    </nav>
  );
}

function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  return (
    <label className="language">
      <span>{t('nav.language')}</span>
      <select value={language.tag} onChange={(e) => setLanguage(e.target.value)}>
        {LANGUAGES.map((l) => (
          <option key={l.tag} value={l.tag} lang={l.tag === 'prs' ? 'fa-AF' : l.tag}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function AccountMenu() {
  const { t } = useI18n();
  const { session, signOut } = useSession();
  const { navigate } = useRouter();
  const account = session?.account;
  if (!account) return null;
  return (
    <div className="account">
      <Link to="/account">
        <span dir="ltr">{account.email}</span> · {t(`role.${account.role}`)}
      </Link>
      <button
        type="button"
        className="button button-secondary"
        onClick={async () => {
          await signOut();
          navigate('/', { replace: true });
        }}
      >
        {t('nav.signOut')}
      </button>
    </div>
  );
}

/** BRE-2: the DPO sees the authority's 72-hour clock on every page while an incident waits to be notified. */
function DpoIncidentBanner() {
  const { session } = useSession();
  return session?.account?.role === 'dpo' ? <IncidentBanner /> : null;
}

/** ACC-8: while emergency access is open, a banner says so on every page and counts down to its end. */

function BreakGlassBanner() {
  const { t, formatNumber } = useI18n();
  const [grants, setGrants] = useState<BreakGlassGrant[]>([]);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    let stopped = false;
    const load = () =>
      api
        .get<{ grants: BreakGlassGrant[] }>('/api/break-glass', { query: { scope: 'mine' } })
        .then((r) => !stopped && setGrants(r.grants.filter((g) => g.active)))
        .catch(() => {});
    void load();
    const poll = setInterval(load, 30_000);
    window.addEventListener('haven:break-glass', load);
    return () => {
      stopped = true;
      clearInterval(poll);
      window.removeEventListener('haven:break-glass', load);
    };
  }, []);

  const live = grants.filter((g) => Date.parse(g.endsAt) > now);
  useEffect(() => {
    if (live.length === 0) return;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, [live.length]);

  if (live.length === 0) return null;
  return (
    <section className="break-glass-banner" aria-label={t('breakGlass.bannerLabel')}>
      {live.map((grant) => {
        const left = Math.max(0, Math.floor((Date.parse(grant.endsAt) - now) / 1000));
        const minutes = Math.floor(left / 60);
        const seconds = left % 60;
        return (
          <p key={grant.id}>
            <strong>{t('breakGlass.active')}</strong>{' '}
            <Link to={`/persons/${grant.personId}?purpose=${encodeURIComponent(grant.purpose)}`}>
              {t('breakGlass.openPerson')}
            </Link>{' '}
            <span className="countdown" role="timer" aria-live="off">
              {t('breakGlass.timeLeft', {
                minutes: formatNumber(minutes),
                seconds: formatNumber(seconds).padStart(2, formatNumber(0)),
              })}
            </span>{' '}
            <button
              type="button"
              className="button button-secondary"
              onClick={async () => {
                await api.post(`/api/break-glass/${grant.id}/end`).catch(() => {});
                window.dispatchEvent(new Event('haven:break-glass'));
              }}
            >
              {t('breakGlass.endNow')}
            </button>
          </p>
        );
      })}
    </section>
  );
}
