import { type FormEvent, useState } from 'react';
import { PortalError, signIn } from './api.ts';
import { useWords } from './i18n.ts';

/** The card code as printed: upper case, in groups of four (7K2M-QX9D-4HTR-B*), whatever the person types. */
export function formatCode(typed: string): string {
  const raw = typed
    .toUpperCase()
    .replace(/[^0-9A-Z*~$=]/g, '')
    .slice(0, 14);
  return raw.match(/.{1,4}/g)?.join('-') ?? '';
}

const KNOWN = ['card-sign-in-failed', 'card-code-invalid', 'card-code-mistyped', 'too-many-attempts'];

/** Sign-in with the card and PIN; the answer never says whether a card exists (the server's too). */
export function SignIn({ onSignedIn }: { onSignedIn(): void }) {
  const { t } = useWords();
  const [code, setCode] = useState('');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(code, pin);
      onSignedIn();
    } catch (e) {
      const known = e instanceof PortalError && KNOWN.includes(e.code) ? e.code : 'other';
      setError(`me.error.${known}`);
      setPin('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>{t('me.signIn.title')}</h1>
      <p>{t('me.signIn.explain')}</p>
      <form onSubmit={submit} noValidate>
        <label htmlFor="card-code">{t('me.signIn.code')}</label>
        <p id="card-code-hint" className="hint">
          {t('me.signIn.codeHint')}
        </p>
        <input
          id="card-code"
          dir="ltr"
          value={code}
          onChange={(e) => setCode(formatCode(e.target.value))}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          aria-describedby="card-code-hint"
          required
        />
        <label htmlFor="pin">{t('me.signIn.pin')}</label>
        <input
          id="pin"
          dir="ltr"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
          value={pin}
          onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          required
        />
        {error && (
          <p className="error" role="alert">
            {t(error)}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('me.signIn.submit')}
        </button>
      </form>
      <p className="hint">{t('me.signIn.lost')}</p>
    </>
  );
}
