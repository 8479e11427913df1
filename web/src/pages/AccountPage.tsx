/** The staff member's own second factors: passkeys, authenticator app, recovery codes (ACC-4). */
import { startRegistration } from '@simplewebauthn/browser';
import { useState } from 'react';
import { api } from '../api/client.ts';
import { useLoad } from '../app/data.ts';
import { useAccount } from '../app/session.tsx';
import { Button, ErrorAlert, Loading, Notice, PageHeading } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

interface Factors {
  totp: boolean;
  recoveryCodesLeft: number;
  passkeys: { credentialId: string; label: string; createdAt: string }[];
}

export default function AccountPage() {
  const { t, formatDate } = useI18n();
  const account = useAccount();
  const factors = useLoad(() => api.get<Factors>('/api/account/factors'), []);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>();
  const [added, setAdded] = useState(false);

  const addPasskey = async () => {
    setError(undefined);
    try {
      const optionsJSON = await api.post<Parameters<typeof startRegistration>[0]['optionsJSON']>(
        '/api/account/passkeys/options',
      );
      const response = await startRegistration({ optionsJSON });
      await api.post('/api/account/passkeys', { response, label: t('enrol.passkeyDefaultLabel') });
      setAdded(true);
      factors.reload();
    } catch (e) {
      setError(e);
    }
  };
  const newCodes = async () => {
    setError(undefined);
    try {
      setCodes((await api.post<{ recoveryCodes: string[] }>('/api/account/recovery-codes')).recoveryCodes);
      factors.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div>
      <PageHeading>{t('account.title')}</PageHeading>
      <dl className="facts">
        <div>
          <dt>{t('signIn.email')}</dt>
          <dd dir="ltr">{account.email}</dd>
        </div>
        <div>
          <dt>{t('account.role')}</dt>
          <dd>{t(`role.${account.role}`)}</dd>
        </div>
        <div>
          <dt>{t('account.tier')}</dt>
          <dd>{t(`tier.${account.tier}`)}</dd>
        </div>
      </dl>
      <ErrorAlert error={error ?? factors.error} />
      {added ? <Notice kind="success">{t('account.passkeyAdded')}</Notice> : null}
      {factors.loading ? <Loading /> : null}
      {factors.data ? (
        <>
          <h2>{t('account.factors')}</h2>
          <ul>
            <li>{factors.data.totp ? t('account.totpOn') : t('account.totpOff')}</li>
            <li>{t('account.recoveryLeft', { count: factors.data.recoveryCodesLeft })}</li>
            {factors.data.passkeys.map((p) => (
              <li key={p.credentialId}>
                {t('account.passkey', { label: p.label, date: formatDate(p.createdAt, false) })}
              </li>
            ))}
          </ul>
          <div className="actions">
            <Button variant="secondary" onClick={() => void addPasskey()}>
              {t('account.addPasskey')}
            </Button>
            <Button variant="secondary" onClick={() => void newCodes()}>
              {t('account.newRecoveryCodes')}
            </Button>
          </div>
        </>
      ) : null}
      {codes ? (
        <section aria-labelledby="codes-heading">
          <h2 id="codes-heading">{t('enrol.recoveryTitle')}</h2>
          <p>{t('enrol.recoveryExplain')}</p>
          <ul className="recovery-codes" dir="ltr">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
