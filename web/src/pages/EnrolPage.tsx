/** A second factor for a new account (ACC-4): an authenticator app with a QR code, or a passkey. */
import { startRegistration } from '@simplewebauthn/browser';
import { type FormEvent, useState } from 'react';
import { api } from '../api/client.ts';
import type { SessionInfo } from '../api/types.ts';
import { useSession } from '../app/session.tsx';
import { QrCode } from '../components/QrCode.tsx';
import { AuthenticatorCodeField, Button, ErrorAlert, PageHeading } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function EnrolPage() {
  const { t } = useI18n();
  const { adopt, signOut } = useSession();
  const [enrolment, setEnrolment] = useState<{ uri: string; secret: string }>();
  const [code, setCode] = useState('');
  const [done, setDone] = useState<{ recoveryCodes: string[]; session?: SessionInfo }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const startTotp = () =>
    run(async () =>
      setEnrolment(await api.post<{ uri: string; secret: string }>('/api/account/totp/enrolment')),
    );

  const confirm = (event: FormEvent) => {
    event.preventDefault();
    return run(async () =>
      setDone(
        await api.post<{ recoveryCodes: string[]; session?: SessionInfo }>('/api/account/totp/confirm', {
          code: code.trim(),
        }),
      ),
    );
  };

  const passkey = () =>
    run(async () => {
      const optionsJSON = await api.post<Parameters<typeof startRegistration>[0]['optionsJSON']>(
        '/api/account/passkeys/options',
      );
      const response = await startRegistration({ optionsJSON });
      const result = await api.post<{ session?: SessionInfo }>('/api/account/passkeys', {
        response,
        label: t('enrol.passkeyDefaultLabel'),
      });
      if (result.session) adopt(result.session);
    });

  if (done) {
    return (
      <div className="narrow">
        <PageHeading>{t('enrol.recoveryTitle')}</PageHeading>
        <p>{t('enrol.recoveryExplain')}</p>
        <ul className="recovery-codes" dir="ltr">
          {done.recoveryCodes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <Button onClick={() => done.session && adopt(done.session)}>{t('enrol.savedCodes')}</Button>
      </div>
    );
  }

  return (
    <div className="narrow">
      <PageHeading>{t('enrol.title')}</PageHeading>
      <p>{t('enrol.explain')}</p>
      <ErrorAlert error={error} />
      {enrolment ? (
        <section aria-labelledby="totp-heading">
          <h2 id="totp-heading">{t('enrol.totpTitle')}</h2>
          <ol className="steps">
            <li>{t('enrol.totpStep1')}</li>
            <li>
              {t('enrol.totpStep2')}
              <QrCode text={enrolment.uri} label={t('enrol.qrLabel')} />
              <p>
                {t('enrol.secretFallback')}{' '}
                <code dir="ltr" className="secret">
                  {enrolment.secret}
                </code>
              </p>
            </li>
            <li>{t('enrol.totpStep3')}</li>
          </ol>
          <form onSubmit={confirm} noValidate>
            <AuthenticatorCodeField label={t('signIn.totpCode')} value={code} onChange={setCode} />
            <Button type="submit" busy={busy}>
              {t('enrol.confirm')}
            </Button>
          </form>
        </section>
      ) : (
        <div className="actions">
          <Button onClick={startTotp} busy={busy}>
            {t('enrol.useApp')}
          </Button>
          <Button variant="secondary" onClick={passkey} disabled={busy}>
            {t('enrol.usePasskey')}
          </Button>
        </div>
      )}
      <p className="aside">
        <Button variant="secondary" onClick={() => void signOut()}>
          {t('nav.signOut')}
        </Button>
      </p>
    </div>
  );
}
