/** First start: the one-time set-up code printed in Haven's terminal creates the first organisation and admin. */
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import { useLoad } from '../app/data.ts';
import { Link, useRouter } from '../app/router.tsx';
import { useSession } from '../app/session.tsx';
import { useProblemText } from '../components/PersonForm.tsx';
import {
  Button,
  ErrorAlert,
  Loading,
  Notice,
  PageHeading,
  PasswordField,
  TextField,
} from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function SetupPage() {
  const { t } = useI18n();
  const { refresh } = useSession();
  const { navigate } = useRouter();
  const status = useLoad(() => api.get<{ needed: boolean }>('/api/setup'), []);
  const [form, setForm] = useState({ code: '', orgName: '', orgSlug: '', email: '', password: '' });
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const problemText = useProblemText();
  const problems = problemText(error instanceof ApiError ? error.fields : []);
  const set = (key: keyof typeof form) => (value: string) => setForm({ ...form, [key]: value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.post<{ csrfToken: string }>('/api/setup', {
        code: form.code.trim(),
        organisation: { slug: form.orgSlug.trim(), name: form.orgName.trim() },
        email: form.email.trim(),
        password: form.password,
      });
      api.setCsrfToken(created.csrfToken);
      await refresh();
      navigate('/', { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  if (status.loading) return <Loading />;
  if (status.data && !status.data.needed) {
    return (
      <div className="narrow">
        <PageHeading>{t('setup.title')}</PageHeading>
        <Notice>{t('setup.done')}</Notice>
        <p>
          <Link to="/">{t('setup.goSignIn')}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <PageHeading>{t('setup.title')}</PageHeading>
      <p>{t('setup.explain')}</p>
      <ErrorAlert error={error} />
      <form onSubmit={submit} noValidate>
        <TextField
          label={t('setup.code')}
          value={form.code}
          onChange={set('code')}
          required
          autoComplete="one-time-code"
          dir="ltr"
          error={problems.get('code')}
        />
        <TextField
          label={t('setup.orgName')}
          value={form.orgName}
          onChange={set('orgName')}
          required
          maxLength={200}
          error={problems.get('organisation.name')}
        />
        <TextField
          label={t('setup.orgSlug')}
          hint={t('setup.orgSlugHint')}
          value={form.orgSlug}
          onChange={set('orgSlug')}
          required
          dir="ltr"
          error={problems.get('organisation.slug')}
        />
        <TextField
          label={t('signIn.email')}
          value={form.email}
          onChange={set('email')}
          type="email"
          autoComplete="username"
          required
          dir="ltr"
          error={problems.get('email')}
        />
        <PasswordField
          label={t('setup.password')}
          hint={t('setup.passwordHint')}
          value={form.password}
          onChange={set('password')}
          isNew
          error={problems.get('password')}
        />
        <Button type="submit" busy={busy}>
          {t('setup.create')}
        </Button>
      </form>
    </div>
  );
}
