/** ACC-4: sensitive actions (break-glass, account changes) ask for the password and second factor again. */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import type { SessionInfo } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { Button, Dialog, ErrorAlert, TextField } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function ReauthDialog() {
  const { t } = useI18n();
  const { adopt } = useSession();
  const [open, setOpen] = useState(false);
  const waiting = useRef<{ resolve(): void; reject(e: unknown): void }[]>([]);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.handleReauthenticationRequired(
      () =>
        new Promise<void>((resolve, reject) => {
          waiting.current.push({ resolve, reject });
          setOpen(true);
        }),
    );
    return () => api.handleReauthenticationRequired(null);
  }, []);

  const close = (ok: boolean) => {
    setOpen(false);
    setPassword('');
    setCode('');
    setError(undefined);
    for (const w of waiting.current.splice(0)) {
      if (ok) w.resolve();
      else w.reject(new Error('cancelled'));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      adopt(
        await api.post<SessionInfo>('/api/auth/reauthenticate', {
          password,
          method: 'totp',
          code: code.trim(),
        }),
      );
      close(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('reauth.title')} open={open} onClose={() => close(false)}>
      <p>{t('reauth.explain')}</p>
      <ErrorAlert error={error} />
      <form onSubmit={submit} noValidate>
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
            {t('reauth.confirm')}
          </Button>
          <Button variant="secondary" onClick={() => close(false)}>
            {t('common.cancel')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
