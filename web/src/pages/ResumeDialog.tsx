/** The session ended while working: sign in again over the page, then carry on where the work was left. */
import { api } from '../api/client.ts';
import type { SessionInfo, SignInResult } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { PasswordAndCodeDialog } from '../components/PasswordAndCodeDialog.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function ResumeDialog() {
  const { t } = useI18n();
  const { session, resuming, resumed, abandonResume } = useSession();
  const email = session?.account?.email ?? '';

  return (
    <PasswordAndCodeDialog
      title={t('resume.title')}
      explain={t('resume.explain')}
      open={resuming}
      email={email}
      submitLabel={t('resume.continue')}
      cancelLabel={t('nav.signOut')}
      onSubmit={async (password, code) => {
        const first = await api.post<SignInResult>('/api/auth/sign-in', { email, password });
        api.setCsrfToken(first.csrfToken);
        resumed(await api.post<SessionInfo>('/api/auth/second-factor', { method: 'totp', code }));
      }}
      onCancel={abandonResume}
    />
  );
}
