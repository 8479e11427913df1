/**
 * The anomaly rules' thresholds (AUD-6): the DPO changes them after re-authenticating (the app asks). An empty
 * field or one that is not a number is refused here, next to the field; a value out of range is refused whole by
 * the server (alert-threshold-invalid) and each field says what is wrong with it.
 */
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import {
  monitoringThresholds,
  RULES,
  type Rule,
  saveThresholds,
  THRESHOLD_NAMES,
  type ThresholdName,
} from '../../api/monitoring.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Button, ErrorAlert, Loading, TextField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

type Form = Record<ThresholdName, string>;
type Problem = { path: string; code: string; message?: string };

/** Digits as typed: Arabic-Indic and Persian digits and a decimal comma are read as the number they show. */
function parseNumber(text: string): number | 'missing' | 'not-a-number' {
  const latin = text
    .trim()
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[,\u066b]/, '.');
  if (latin === '') return 'missing';
  const value = Number(latin);
  return Number.isFinite(value) ? value : 'not-a-number';
}

export function ThresholdsSection() {
  const { t, maybe } = useI18n();
  const loaded = useLoad(monitoringThresholds, []);
  const [form, setForm] = useState<Form | null>(null);
  const [suspendOn, setSuspendOn] = useState<Rule[]>([]);
  const [saved, setSaved] = useState(false);
  // Refused here, before asking the server: an empty field or one that is not a number.
  const [local, setLocal] = useState<Problem[]>([]);
  useEffect(() => {
    if (!loaded.data) return;
    const { thresholds } = loaded.data;
    setForm(Object.fromEntries(THRESHOLD_NAMES.map((n) => [n, String(thresholds[n])])) as Form);
    setSuspendOn(thresholds.suspendOn);
  }, [loaded.data]);
  const save = useFormAction(async () => {
    if (!form) return;
    setSaved(false);
    const parsed = THRESHOLD_NAMES.map((n) => [n, parseNumber(form[n])] as const);
    const refused = parsed.flatMap(([path, v]) => (typeof v === 'number' ? [] : [{ path, code: v }]));
    setLocal(refused);
    if (refused.length > 0) return;
    // The range is the server's to check (it names each field); the numbers go as typed.
    const numbers = Object.fromEntries(parsed) as Record<ThresholdName, number>;
    await saveThresholds({ ...numbers, suspendOn });
    setSaved(true);
    loaded.reload();
  });
  const problems: Problem[] = [...local, ...(save.error instanceof ApiError ? save.error.fields : [])];
  const fieldError = (name: string) => {
    const problem = problems.find((p) => p.path === name);
    return problem
      ? (maybe(`alerts.threshold.problem.${problem.code}`) ?? problem.message ?? problem.code)
      : undefined;
  };
  return (
    <section aria-labelledby="alerts-thresholds">
      <h2 id="alerts-thresholds">{t('alerts.thresholds.title')}</h2>
      <p>{t('alerts.thresholds.explain')}</p>
      <ErrorAlert error={loaded.error} />
      {!form ? (
        loaded.loading ? (
          <Loading />
        ) : null
      ) : (
        <form noValidate onSubmit={(e) => void save.submit(e)}>
          <div role="status">
            {saved ? <p className="alert alert-success">{t('alerts.thresholds.saved')}</p> : null}
          </div>
          <div>
            {THRESHOLD_NAMES.map((name) => (
              <TextField
                key={name}
                label={t(`alerts.threshold.${name}`)}
                hint={t('alerts.threshold.default', { value: String(loaded.data?.defaults[name] ?? '') })}
                inputMode="text"
                dir="ltr"
                value={form[name]}
                error={fieldError(name)}
                onChange={(value) => setForm({ ...form, [name]: value })}
              />
            ))}
          </div>
          <fieldset className="field">
            <legend>{t('alerts.thresholds.suspendOn')}</legend>
            <p className="hint">{t('alerts.thresholds.suspendOnHint')}</p>
            {RULES.map((rule) => (
              <label key={rule} className="choice">
                <input
                  type="checkbox"
                  checked={suspendOn.includes(rule)}
                  onChange={(e) =>
                    setSuspendOn(
                      e.target.checked ? [...suspendOn, rule] : suspendOn.filter((r) => r !== rule),
                    )
                  }
                />{' '}
                {t(`alerts.rule.${rule}`)}
              </label>
            ))}
          </fieldset>
          {problems.length > 0 ? (
            <div className="alert alert-error" role="alert">
              {t('alerts.thresholds.invalid')}
            </div>
          ) : (
            <ErrorAlert error={save.error} />
          )}
          <div className="actions">
            <Button type="submit" busy={save.busy}>
              {t('alerts.thresholds.save')}
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
