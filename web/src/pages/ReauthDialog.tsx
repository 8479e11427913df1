/** ACC-4: sensitive actions (break-glass, account changes) ask for the password and second factor again. */
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client.ts';
import type { SessionInfo } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { PasswordAndCodeDialog } from '../components/PasswordAndCodeDialog.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function ReauthDialog() {
  const { t } = useI18n();
  const { adopt } = useSession();
  const [open, setOpen] = useState(false);
  // The requests waiting for the confirmation: they are retried when it succeeds, and fail when it is cancelled.
  const waiting = useRef<{ resolve(): void; reject(e: unknown): void }[]>([]);

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
    for (const w of waiting.current.splice(0)) {
      if (ok) w.resolve();
      else w.reject(new Error('cancelled'));
    }
  };

  return (
    <PasswordAndCodeDialog
      title={t('reauth.title')}
      explain={t('reauth.explain')}
      open={open}
      submitLabel={t('reauth.confirm')}
      cancelLabel={t('common.cancel')}
      onSubmit={async (password, code) => {
        adopt(await api.post<SessionInfo>('/api/auth/reauthenticate', { password, method: 'totp', code }));
        close(true);
      }}
      onCancel={() => close(false)}
    />
  );
}
