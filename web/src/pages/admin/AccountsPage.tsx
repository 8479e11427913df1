/** Staff accounts (ACC-3, ACC-5): create with a role and tier, change them, disable, unlock, reset factors. */
import { useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import { type Account, ROLES, type Role } from '../../api/types.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { useProblemText } from '../../components/PersonForm.tsx';
import { QrCode } from '../../components/QrCode.tsx';
import {
  Button,
  ErrorAlert,
  FormField,
  Loading,
  Notice,
  PageHeading,
  PasswordField,
  TextField,
} from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

interface Created {
  account: Account;
  enrolmentCode?: string;
  totpUri?: string;
  recoveryCodes?: string[];
}

export default function AccountsPage() {
  const { t, formatDate } = useI18n();
  const accounts = useLoad(
    () => api.get<{ accounts: Account[] }>('/api/admin/accounts').then((r) => r.accounts),
    [],
  );
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string | null>(null);

  const act = async (work: () => Promise<string>) => {
    setError(undefined);
    setMessage(null);
    try {
      setMessage(await work());
      accounts.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div>
      <PageHeading>{t('accounts.title')}</PageHeading>
      <CreateAccount onCreated={accounts.reload} />
      <h2>{t('accounts.list')}</h2>
      {message ? <Notice kind="success">{message}</Notice> : null}
      <ErrorAlert error={error ?? accounts.error} />
      {accounts.loading ? <Loading /> : null}
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">{t('accounts.list')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('signIn.email')}</th>
              <th scope="col">{t('account.role')}</th>
              <th scope="col">{t('account.tier')}</th>
              <th scope="col">{t('accounts.status')}</th>
              <th scope="col">{t('accounts.lastSignIn')}</th>
              <th scope="col">{t('accounts.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(accounts.data ?? []).map((a) => (
              <tr key={a.id}>
                <th scope="row" dir="ltr">
                  {a.email}
                </th>
                <td>
                  <select
                    aria-label={t('accounts.roleOf', { email: a.email })}
                    value={a.role}
                    onChange={(e) =>
                      void act(async () => {
                        await api.patch(`/api/admin/accounts/${a.id}`, { role: e.target.value });
                        return t('accounts.changed');
                      })
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`role.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <select
                    aria-label={t('accounts.tierOf', { email: a.email })}
                    value={a.tier}
                    onChange={(e) =>
                      void act(async () => {
                        await api.patch(`/api/admin/accounts/${a.id}`, { tier: Number(e.target.value) });
                        return t('accounts.changed');
                      })
                    }
                  >
                    {[1, 2, 3, 4].map((tier) => (
                      <option key={tier} value={tier}>
                        {t(`tier.${tier}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {t(`accounts.status.${a.status}`)}
                  {a.disabledReason ? ` · ${t(`accounts.disabledReason.${a.disabledReason}`)}` : ''}
                  {a.locked ? ` · ${t('accounts.locked')}` : ''}
                  {!a.totpEnrolled && a.passkeys === 0 ? ` · ${t('accounts.noFactor')}` : ''}
                </td>
                <td>{a.lastSignInAt ? formatDate(a.lastSignInAt) : t('accounts.never')}</td>
                <td className="row-actions">
                  {a.locked ? (
                    <Button
                      variant="secondary"
                      onClick={() =>
                        void act(async () => {
                          await api.post(`/api/admin/accounts/${a.id}/unlock`);
                          return t('accounts.unlocked');
                        })
                      }
                    >
                      {t('accounts.unlock')}
                    </Button>
                  ) : null}
                  <Button
                    variant="secondary"
                    onClick={() =>
                      void act(async () => {
                        const status = a.status === 'active' ? 'disabled' : 'active';
                        await api.patch(`/api/admin/accounts/${a.id}`, { status });
                        return t('accounts.changed');
                      })
                    }
                  >
                    {a.status === 'active' ? t('accounts.disable') : t('accounts.enable')}
                  </Button>
                  <Button
                    variant="secondary"
                    onClick={() =>
                      void act(async () => {
                        const r = await api.post<{ enrolmentCode: string }>(
                          `/api/admin/accounts/${a.id}/reset-factors`,
                        );
                        return t('accounts.resetDone', { code: r.enrolmentCode });
                      })
                    }
                  >
                    {t('accounts.resetFactors')}
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function CreateAccount({ onCreated }: { onCreated(): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('clerk');
  const [tier, setTier] = useState(2);
  const [password, setPassword] = useState('');
  const [enrolTotp, setEnrolTotp] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);

  const { busy, error, submit } = useFormAction(async () => {
    setCreated(
      await api.post<Created>('/api/admin/accounts', {
        email: email.trim(),
        role,
        tier,
        password,
        enrolTotp,
      }),
    );
    setEmail('');
    setPassword('');
    onCreated();
  });
  const problems = useProblemText()(error instanceof ApiError ? error.fields : []);

  return (
    <section aria-labelledby="create-heading" className="card">
      <h2 id="create-heading">{t('accounts.create')}</h2>
      {created ? (
        <Notice kind="success">
          <p>{t('accounts.created', { email: created.account.email })}</p>
          {created.enrolmentCode ? (
            <p>
              {t('accounts.enrolmentCode')} <code dir="ltr">{created.enrolmentCode}</code>
            </p>
          ) : null}
          {created.totpUri ? <QrCode text={created.totpUri} label={t('enrol.qrLabel')} /> : null}
        </Notice>
      ) : null}
      <ErrorAlert error={error} />
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('signIn.email')}
          value={email}
          onChange={setEmail}
          type="email"
          required
          dir="ltr"
          error={problems.get('email')}
        />
        <FormField label={t('account.role')}>
          {({ id }) => (
            <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField label={t('account.tier')} hint={t('accounts.tierHint')}>
          {({ id, describedBy }) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={tier}
              onChange={(e) => setTier(Number(e.target.value))}
            >
              {[1, 2, 3, 4].map((n) => (
                <option key={n} value={n}>
                  {t(`tier.${n}`)}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <PasswordField
          label={t('accounts.initialPassword')}
          hint={t('setup.passwordHint')}
          value={password}
          onChange={setPassword}
          isNew
          error={problems.get('password')}
        />
        <label className="choice">
          <input type="checkbox" checked={enrolTotp} onChange={(e) => setEnrolTotp(e.target.checked)} />
          {t('accounts.enrolTotpNow')}
        </label>
        <Button type="submit" busy={busy}>
          {t('accounts.createButton')}
        </Button>
      </form>
    </section>
  );
}
