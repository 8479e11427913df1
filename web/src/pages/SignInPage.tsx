/** Sign-in (ACC-4): password first, then a code from the authenticator app, a passkey or a recovery code. */
import { startAuthentication } from '@simplewebauthn/browser';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { SessionInfo, SignInResult } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import {
  AuthenticatorCodeField,
  Button,
  ErrorAlert,
  PageHeading,
  PasswordField,
  TextField,
} from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function SignInPage() {
  const { session } = useSession();
  return session?.next === 'second-factor' ? <SecondFactorStep /> : <PasswordStep />;
}

function PasswordStep() {
  const { t } = useI18n();
  const { refresh } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [enrolmentCode, setEnrolmentCode] = useState('');
  const [newAccount, setNewAccount] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = await api.post<SignInResult>('/api/auth/sign-in', {
        email: email.trim(),
        password,
        ...(newAccount && enrolmentCode.trim() ? { enrolmentCode: enrolmentCode.trim() } : {}),
      });
      api.setCsrfToken(result.csrfToken);
      await refresh();
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <div className="narrow">
      <PageHeading>{t('signIn.title')}</PageHeading>
      <ErrorAlert error={error} />
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('signIn.email')}
          value={email}
          onChange={setEmail}
          type="email"
          autoComplete="username"
          required
          dir="ltr"
        />
        <PasswordField label={t('signIn.password')} value={password} onChange={setPassword} />
        <div className="field">
          <label className="choice">
            <input type="checkbox" checked={newAccount} onChange={(e) => setNewAccount(e.target.checked)} />
            {t('signIn.haveEnrolmentCode')}
          </label>
        </div>
        {newAccount ? (
          <TextField
            label={t('signIn.enrolmentCode')}
            hint={t('signIn.enrolmentCodeHint')}
            value={enrolmentCode}
            onChange={setEnrolmentCode}
            autoComplete="one-time-code"
            dir="ltr"
          />
        ) : null}
        <Button type="submit" busy={busy}>
          {t('signIn.continue')}
        </Button>
      </form>
      <p className="aside">
        <Link to="/setup">{t('signIn.firstStart')}</Link>
      </p>
    </div>
  );
}

function SecondFactorStep() {
  const { t } = useI18n();
  const { adopt, signOut } = useSession();
  const [method, setMethod] = useState<'totp' | 'recovery-code'>('totp');
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      adopt(await api.post<SessionInfo>('/api/auth/second-factor', { method, code: code.trim() }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  const passkey = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const optionsJSON =
        await api.post<Parameters<typeof startAuthentication>[0]['optionsJSON']>('/api/auth/passkey/options');
      const response = await startAuthentication({ optionsJSON });
      adopt(await api.post<SessionInfo>('/api/auth/passkey', { response }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <div className="narrow">
      <PageHeading>{t('signIn.secondFactorTitle')}</PageHeading>
      <ErrorAlert error={error} />
      <form onSubmit={submit} noValidate>
        {method === 'totp' ? (
          <AuthenticatorCodeField
            label={t('signIn.totpCode')}
            hint={t('signIn.totpHint')}
            value={code}
            onChange={setCode}
          />
        ) : (
          <TextField
            label={t('signIn.recoveryCode')}
            value={code}
            onChange={setCode}
            autoComplete="off"
            required
            dir="ltr"
          />
        )}
        <Button type="submit" busy={busy}>
          {t('signIn.verify')}
        </Button>
      </form>
      <div className="actions">
        <Button variant="secondary" onClick={passkey} disabled={busy}>
          {t('signIn.usePasskey')}
        </Button>
        <Button
          variant="secondary"
          onClick={() => {
            setMethod(method === 'totp' ? 'recovery-code' : 'totp');
            setCode('');
          }}
        >
          {method === 'totp' ? t('signIn.useRecoveryCode') : t('signIn.useTotp')}
        </Button>
        <Button variant="secondary" onClick={() => void signOut()}>
          {t('signIn.startAgain')}
        </Button>
      </div>
    </div>
  );
}
