/**
 * The person portal (/me, issue 16 item 4): a registered person signs in with the card code and PIN and sees
 * their own record — purposes and consents (PUR-4), who accessed it (AUD-5), their requests (RIG-1). Its own
 * small bundle, so it opens on a cheap phone on a slow link.
 */
import { StrictMode, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { signOut } from './api.ts';
import { History } from './History.tsx';
import { LANGUAGES, loadWords, preferredLanguage, useWords, type Words, WordsContext } from './i18n.ts';
import { NewRequest } from './NewRequest.tsx';
import { Overview } from './Overview.tsx';
import { SignIn } from './SignIn.tsx';
import './portal.css';

type View = 'home' | 'history' | 'request';

function LanguagePicker({ onChange }: { onChange(tag: string): void }) {
  const { t, language } = useWords();
  return (
    <label className="language">
      <span>{t('me.language')}</span>
      <select value={language.tag} onChange={(e) => onChange(e.target.value)}>
        {LANGUAGES.map((l) => (
          <option key={l.tag} value={l.tag} lang={l.tag === 'prs' ? 'fa-AF' : l.tag}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function Portal() {
  const [tag, setTag] = useState(preferredLanguage);
  const [words, setWords] = useState<Words | null>(null);
  const [signedIn, setSignedIn] = useState(false);
  const [view, setView] = useState<View>('home');
  const [notice, setNotice] = useState<string | null>(null);
  const main = useRef<HTMLElement>(null);

  useEffect(() => {
    let current = true;
    void loadWords(tag).then((loaded) => {
      if (!current) return;
      // Direction and language change with the words, never before them.
      document.documentElement.lang = loaded.language.tag === 'prs' ? 'fa-AF' : loaded.language.tag;
      document.documentElement.dir = loaded.language.dir;
      document.title = loaded.t('me.title');
      setWords(loaded);
    });
    return () => {
      current = false;
    };
  }, [tag]);

  const go = (next: View, message: string | null = null) => {
    setView(next);
    setNotice(message);
    // The new page's heading takes the focus, so a screen reader hears where it is.
    requestAnimationFrame(() => main.current?.querySelector('h1')?.focus());
  };

  if (!words) return <p className="loading">…</p>;
  const { t } = words;
  return (
    <WordsContext.Provider value={words}>
      <header className="bar">
        <span className="brand">{t('me.title')}</span>
        <LanguagePicker onChange={setTag} />
      </header>
      {signedIn && (
        <nav aria-label={t('me.nav')} className="tabs">
          {(['home', 'history', 'request'] as const).map((v) => (
            <button
              key={v}
              type="button"
              aria-current={view === v ? 'page' : undefined}
              onClick={() => go(v)}
            >
              {t(`me.nav.${v}`)}
            </button>
          ))}
          <button
            type="button"
            onClick={() =>
              void signOut().finally(() => {
                setSignedIn(false);
                go('home', t('me.signedOut'));
              })
            }
          >
            {t('me.signOut')}
          </button>
        </nav>
      )}
      <main ref={main}>
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {!signedIn ? (
          <SignIn onSignedIn={() => (setSignedIn(true), go('home'))} />
        ) : view === 'home' ? (
          <Overview />
        ) : view === 'history' ? (
          <History />
        ) : (
          <NewRequest onSent={(message) => go('home', message)} />
        )}
      </main>
    </WordsContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Portal />
  </StrictMode>,
);
