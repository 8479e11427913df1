/** ACC-8: emergency access — a justification, a scope and a time limit; the DPO is alerted and reviews it. */
import { useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import { useFormAction } from '../../app/form-action.ts';
import { useProblemText } from '../../components/PersonForm.tsx';
import { Button, Dialog, ErrorAlert, FormField, TextAreaField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

const DURATIONS = [15, 30, 60, 120, 240];

export function BreakGlass({
  personId,
  purpose,
  groups,
  groupLabel,
  onStarted,
}: {
  personId: string;
  purpose: string;
  groups: string[];
  groupLabel(name: string): string;
  onStarted(): void;
}) {
  const { t, formatNumber } = useI18n();
  const [open, setOpen] = useState(false);
  const [justification, setJustification] = useState('');
  const [minutes, setMinutes] = useState(30);
  const [scope, setScope] = useState<Set<string>>(new Set(groups));

  const { busy, error, submit } = useFormAction(async () => {
    await api.post(
      `/api/persons/${personId}/break-glass`,
      {
        justification: justification.trim(),
        minutes,
        ...(scope.size > 0 ? { fieldGroups: [...scope] } : {}),
      },
      { purpose },
    );
    setOpen(false);
    setJustification('');
    window.dispatchEvent(new Event('haven:break-glass'));
    onStarted();
  });
  const problems = useProblemText()(error instanceof ApiError ? error.fields : []);

  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        {t('breakGlass.open')}
      </Button>
      <Dialog title={t('breakGlass.title')} open={open} onClose={() => setOpen(false)}>
        <p>{t('breakGlass.explain')}</p>
        <ErrorAlert error={error} />
        <form onSubmit={submit} noValidate>
          <TextAreaField
            label={t('breakGlass.justification')}
            hint={t('breakGlass.justificationHint')}
            error={problems.get('justification')}
            required
            rows={4}
            maxLength={4000}
            value={justification}
            onChange={setJustification}
          />
          {groups.length > 0 ? (
            <fieldset className="choices">
              <legend>{t('breakGlass.scope')}</legend>
              {groups.map((g) => (
                <label key={g} className="choice">
                  <input
                    type="checkbox"
                    checked={scope.has(g)}
                    onChange={(e) => {
                      const next = new Set(scope);
                      if (e.target.checked) next.add(g);
                      else next.delete(g);
                      setScope(next);
                    }}
                  />
                  {groupLabel(g)}
                </label>
              ))}
            </fieldset>
          ) : null}
          <FormField label={t('breakGlass.duration')}>
            {({ id }) => (
              <select id={id} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
                {DURATIONS.map((m) => (
                  <option key={m} value={m}>
                    {t('breakGlass.minutes', { count: m, formatted: formatNumber(m) })}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <div className="actions">
            <Button type="submit" variant="danger" busy={busy} disabled={justification.trim().length === 0}>
              {t('breakGlass.start')}
            </Button>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
