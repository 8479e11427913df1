/** The session ended while working: sign in again over the page, then carry on where the work was left. */
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { SessionInfo, SignInResult } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { Button, Dialog, ErrorAlert, TextField } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function ResumeDialog() {
  const { t } = useI18n();
  const { session, resuming, resumed, abandonResume } = useSession();
  const email = session?.account?.email ?? '';
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const first = await api.post<SignInResult>('/api/auth/sign-in', { email, password });
      api.setCsrfToken(first.csrfToken);
      const next = await api.post<SessionInfo>('/api/auth/second-factor', {
        method: 'totp',
        code: code.trim(),
      });
      setPassword('');
      setCode('');
      resumed(next);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('resume.title')} open={resuming} onClose={abandonResume}>
      <p>{t('resume.explain')}</p>
      <ErrorAlert error={error} />
      <form onSubmit={submit} noValidate>
        <p>
          {t('signIn.email')}: <span dir="ltr">{email}</span>
        </p>
        <TextField
          label={t('signIn.password')}
          value={password}
          onChange={setPassword}
          type="password"
          autoComplete="current-password"
          required
          dir="ltr"
        />
        <TextField
          label={t('signIn.totpCode')}
          value={code}
          onChange={setCode}
          inputMode="numeric"
          autoComplete="one-time-code"
          required
          dir="ltr"
        />
        <div className="actions">
          <Button type="submit" busy={busy}>
            {t('resume.continue')}
          </Button>
          <Button variant="secondary" onClick={abandonResume}>
            {t('nav.signOut')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
