/** ACC-6: a recorded value is changed only through a correction that another person, a supervisor, approves. */
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import type { Dictionary, PersonView, Purpose, Values } from '../../api/types.ts';
import { compact, PersonForm, useProblemText } from '../../components/PersonForm.tsx';
import { Button, ErrorAlert, FormField, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

/** Why a recorded value was wrong, as a code: reasons are counted and reviewed, never free text about the person. */
const CORRECTION_REASONS = [
  'spelling',
  'data-entry-error',
  'document-shown',
  'person-request',
  'changed-circumstances',
];

export function ProposeCorrection({
  personId,
  purpose,
  dictionary,
  view,
}: {
  personId: string;
  purpose: Purpose;
  dictionary: Dictionary;
  view: PersonView;
}) {
  const { t } = useI18n();
  const recorded: Values = Object.assign({}, ...Object.values(view.data));
  const fields = purpose.collect.filter((f) => f in recorded);
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Values>(recorded);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState(false);
  const problems = useProblemText()(error instanceof ApiError ? error.fields : []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const changes: Values = {};
    for (const name of fields) {
      const before = JSON.stringify(recorded[name] ?? null);
      const after = JSON.stringify(compact(values[name]) ?? null);
      if (before !== after) changes[name] = compact(values[name]) ?? null;
    }
    if (Object.keys(changes).length === 0) {
      setError(new ApiError(400, { code: 'correction-empty', message: t('correction.nothingChanged') }));
      return;
    }
    try {
      await api.post(
        `/api/persons/${personId}/corrections`,
        { changes, reason: reason.trim() },
        { purpose: purpose.name },
      );
      setSent(true);
      setOpen(false);
    } catch (e) {
      setError(e);
    }
  };

  if (fields.length === 0) return null;
  return (
    <section aria-labelledby="correction-heading">
      <h2 id="correction-heading">{t('correction.title')}</h2>
      {sent ? <Notice kind="success">{t('correction.sent')}</Notice> : null}
      {open ? (
        <form onSubmit={submit} noValidate>
          <p>{t('correction.explain')}</p>
          <PersonForm
            dictionary={dictionary}
            fields={fields}
            values={values}
            onChange={setValues}
            problems={problems}
          />
          <FormField label={t('correction.reason')} error={problems.get('reason')} required>
            {({ id, describedBy, invalid }) => (
              <select
                id={id}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                required
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              >
                <option value="">{t('form.choose')}</option>
                {CORRECTION_REASONS.map((code) => (
                  <option key={code} value={code}>
                    {t(`correction.reason.${code}`)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <ErrorAlert error={error} />
          <div className="actions">
            <Button type="submit">{t('correction.propose')}</Button>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
          </div>
        </form>
      ) : (
        <Button
          variant="secondary"
          onClick={() => {
            setValues(recorded);
            setSent(false);
            setOpen(true);
          }}
        >
          {t('correction.start')}
        </Button>
      )}
    </section>
  );
}
