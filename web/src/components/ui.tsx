/** Small accessible building blocks: form fields with their messages, alerts, dialogs, buttons. */
import { type ButtonHTMLAttributes, type ReactNode, useEffect, useId, useRef } from 'react';
import { ApiError } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function FormField({
  label,
  hint,
  error,
  required,
  children,
}: {
  label: string;
  hint?: string | null | undefined;
  error?: string | undefined;
  required?: boolean;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}) {
  const { t } = useI18n();
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {/* One text node: split around the parentheses, Chromium kept the old direction after a switch back
            from Arabic and drew ") required(". */}
        {required ? <span className="required">{` (${t('form.required')})`}</span> : null}
      </label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {children({ id, describedBy, invalid: Boolean(error) })}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled multi-line text (a justification, a note), with its hint and error wired for screen readers. */
export function TextAreaField({
  label,
  hint,
  error,
  required,
  rows = 3,
  maxLength,
  value,
  onChange,
  dir = 'auto',
}: {
  label: string;
  hint?: string | null;
  error?: string | undefined;
  required?: boolean;
  rows?: number;
  maxLength?: number;
  value: string;
  onChange(value: string): void;
  /** `auto` by default: what a person writes takes the direction of its own script, whatever the page's. */
  dir?: 'auto' | 'ltr' | 'rtl';
}) {
  return (
    <FormField label={label} hint={hint} error={error} required={required}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          required={required}
          rows={rows}
          maxLength={maxLength}
          dir={dir}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </FormField>
  );
}

/** A password: left to right in every language, and named for password managers (new or current). */
export function PasswordField({
  isNew = false,
  ...field
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  hint?: string | null;
  error?: string | undefined;
  isNew?: boolean;
}) {
  return (
    <TextField
      {...field}
      type="password"
      autoComplete={isNew ? 'new-password' : 'current-password'}
      required
      dir="ltr"
    />
  );
}

/** The 6-digit code of an authenticator app (TOTP): a number pad on phones, one-time-code autofill. */
export function AuthenticatorCodeField(field: {
  label: string;
  value: string;
  onChange(value: string): void;
  hint?: string | null;
}) {
  return <TextField {...field} inputMode="numeric" autoComplete="one-time-code" required dir="ltr" />;
}

export function TextField({
  label,
  value,
  onChange,
  hint,
  error,
  required,
  type = 'text',
  autoComplete,
  inputMode,
  dir,
  maxLength,
  pattern,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  hint?: string | null;
  error?: string | undefined;
  required?: boolean;
  type?: string;
  autoComplete?: string;
  inputMode?: 'numeric' | 'tel' | 'email' | 'text';
  dir?: 'auto' | 'ltr' | 'rtl';
  maxLength?: number;
  pattern?: string;
}) {
  return (
    <FormField label={label} hint={hint} error={error} required={required ?? false}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type={type}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          required={required}
          autoComplete={autoComplete}
          inputMode={inputMode}
          dir={dir}
          maxLength={maxLength}
          pattern={pattern}
        />
      )}
    </FormField>
  );
}

export function Button({
  variant = 'primary',
  busy,
  children,
  ...rest
}: {
  variant?: 'primary' | 'secondary' | 'danger';
  busy?: boolean;
} & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      type="button"
      className={`button button-${variant}`}
      aria-busy={busy || undefined}
      disabled={busy || rest.disabled}
      {...rest}
    >
      {children}
    </button>
  );
}

/** An error from the API in the reader's language: the code picks the message; the server's is the fallback. */
export function useErrorText() {
  const { maybe, t } = useI18n();
  return (error: unknown): string => {
    if (error instanceof ApiError) {
      const text =
        maybe(`error.${error.code}`) ?? (error.reason ? maybe(`reason.${error.reason}`) : undefined);
      const base = text ?? error.message;
      // The reference is isolated left to right, so it reads (and is copied) whole in a right-to-left sentence.
      return error.requestId
        ? `${base} ${t('error.requestId', { id: `\u2066${error.requestId}\u2069` })}`
        : base;
    }
    return t('error.unexpected');
  };
}

export function ErrorAlert({ error }: { error: unknown }) {
  const text = useErrorText();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      {text(error)}
    </div>
  );
}

export function Notice({
  kind = 'info',
  children,
}: {
  kind?: 'info' | 'success' | 'warning';
  children: ReactNode;
}) {
  return (
    <div className={`alert alert-${kind}`} role="status">
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/** A modal dialog on the native <dialog>: focus stays inside, Escape closes, focus returns to the opener. */
export function Dialog({
  title,
  open,
  onClose,
  children,
}: {
  title: string;
  open: boolean;
  onClose(): void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId}>{title}</h2>
      {open ? children : null}
    </dialog>
  );
}

/** Sets the document title and moves focus to the page heading, so screen readers hear the page change. */
export function PageHeading({ children }: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${children} · Haven`;
    ref.current?.focus();
  }, [children]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
