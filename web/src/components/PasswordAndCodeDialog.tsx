/**
 * Password and authenticator code again, over the page (ACC-4): used when a sensitive action needs a fresh
 * sign-in and when a session ends mid-work. The fields are cleared whenever the dialog closes.
 */
import { useState } from 'react';
import { useFormAction } from '../app/form-action.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { AuthenticatorCodeField, Button, Dialog, ErrorAlert, PasswordField } from './ui.tsx';

export function PasswordAndCodeDialog({
  title,
  explain,
  open,
  email,
  submitLabel,
  cancelLabel,
  onSubmit,
  onCancel,
}: {
  title: string;
  explain: string;
  open: boolean;
  /** Shown (not editable) when the dialog signs a known account in again. */
  email?: string;
  submitLabel: string;
  cancelLabel: string;
  /** Resolves when the server accepted both; a rejection is shown in the dialog. */
  onSubmit(password: string, code: string): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const { busy, error, setError, submit } = useFormAction(async () => {
    await onSubmit(password, code.trim());
    clear();
  });

  const clear = () => {
    setPassword('');
    setCode('');
    setError(undefined);
  };
  const cancel = () => {
    clear();
    onCancel();
  };

  return (
    <Dialog title={title} open={open} onClose={cancel}>
      <p>{explain}</p>
      <ErrorAlert error={error} />
      <form onSubmit={submit} noValidate>
        {email ? (
          <p>
            {t('signIn.email')}: <span dir="ltr">{email}</span>
          </p>
        ) : null}
        <PasswordField label={t('signIn.password')} value={password} onChange={setPassword} />
        <AuthenticatorCodeField label={t('signIn.totpCode')} value={code} onChange={setCode} />
        <div className="actions">
          <Button type="submit" busy={busy}>
            {submitLabel}
          </Button>
          <Button variant="secondary" onClick={cancel}>
            {cancelLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
