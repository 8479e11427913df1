/**
 * Writing a DPIA draft (GOV-2): the processing in words, its necessity and proportionality, the risks — at least
 * the three feared events — each rated by likelihood × severity before and after its measures, the consultation of
 * the people concerned, and the review date. Saved as a draft any time; submitted when complete.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import {
  type DpiaContent,
  type DpiaRisk,
  type DpiaVersion,
  FEARED_EVENTS,
  LEVELS,
  type Level,
  type Rating,
} from '../../api/governance.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Button, ErrorAlert, FormField, Notice, TextAreaField, TextField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useFieldErrors } from './common.tsx';
import { RiskLevelTag, useEventName } from './DpiaDocument.tsx';
import { cleanContent, newRisk } from './dpia-content.ts';

/** The content to edit: only what the schema knows, and a line for a first measure where there is none. */
function editable(content: DpiaContent): DpiaContent {
  return {
    description: content.description ?? '',
    necessity: content.necessity ?? '',
    proportionality: content.proportionality ?? '',
    risks: (content.risks ?? []).map((r) => ({ ...r, measures: r.measures.length > 0 ? r.measures : [''] })),
    consultation: content.consultation ?? { sought: true, summary: '' },
    reviewDate: content.reviewDate ?? '',
  };
}

export function DpiaEditor({ version, onChanged }: { version: DpiaVersion; onChanged(id: string): void }) {
  const { t } = useI18n();
  const [content, setContent] = useState(() => editable(version.content));
  const [saved, setSaved] = useState(false);
  const path = `/api/dpias/${version.id}/versions/${version.version}`;
  const save = () =>
    api.request<DpiaVersion>(path, { method: 'PUT', body: { content: cleanContent(content) } });

  const draft = useFormAction(async () => {
    setSaved(false);
    await save();
    setSaved(true);
  });
  const submit = useFormAction(async () => {
    setSaved(false);
    await save();
    await api.post(`${path}/submit`);
    onChanged('dpia.submitted');
  });
  const error = submit.error ?? draft.error;
  const field = useFieldErrors(error, 'content');
  const set = (change: Partial<DpiaContent>) => setContent((c) => ({ ...c, ...change }));
  const setRisk = (i: number, risk: DpiaRisk) =>
    setContent((c) => ({ ...c, risks: c.risks.map((r, j) => (j === i ? risk : r)) }));

  return (
    <form className="dpia-editor no-print" onSubmit={(e) => void draft.submit(e)} noValidate>
      <h2>{t('dpia.editTitle', { version: version.version })}</h2>
      <p className="hint">{t('dpia.editExplain')}</p>
      <TextAreaField
        label={t('dpia.description')}
        hint={t('dpia.descriptionHint')}
        rows={5}
        value={content.description}
        onChange={(description) => set({ description })}
        error={field('description')}
      />
      <TextAreaField
        label={t('dpia.necessity')}
        hint={t('dpia.necessityHint')}
        rows={4}
        value={content.necessity}
        onChange={(necessity) => set({ necessity })}
        error={field('necessity')}
      />
      <TextAreaField
        label={t('dpia.proportionality')}
        hint={t('dpia.proportionalityHint')}
        rows={4}
        value={content.proportionality}
        onChange={(proportionality) => set({ proportionality })}
        error={field('proportionality')}
      />
      <h3>{t('dpia.risks')}</h3>
      <p className="hint">{t('dpia.risksHint')}</p>
      {field('risks') ? <p className="field-error">{field('risks')}</p> : null}
      {content.risks.map((risk, i) => (
        <RiskEditor
          // biome-ignore lint/suspicious/noArrayIndexKey: risks have no id; their place is their identity here.
          key={i}
          index={i}
          risk={risk}
          onChange={(r) => setRisk(i, r)}
          onRemove={() => setContent((c) => ({ ...c, risks: c.risks.filter((_, j) => j !== i) }))}
          field={(p) => field(`risks/${i}/${p}`)}
        />
      ))}
      <Button
        variant="secondary"
        onClick={() => setContent((c) => ({ ...c, risks: [...c.risks, newRisk('')] }))}
      >
        {t('dpia.addRisk')}
      </Button>
      <fieldset className="choices consultation">
        <legend>{t('dpia.consultation')}</legend>
        <p className="hint">{t('dpia.consultationHint')}</p>
        {field('consultation') ? <p className="field-error">{field('consultation')}</p> : null}
        <label className="choice">
          <input
            type="radio"
            name="consultation"
            checked={content.consultation.sought}
            onChange={() => set({ consultation: { sought: true, summary: '' } })}
          />
          {t('dpia.consultationSought')}
        </label>
        <label className="choice">
          <input
            type="radio"
            name="consultation"
            checked={!content.consultation.sought}
            onChange={() => set({ consultation: { sought: false, reason: '' } })}
          />
          {t('dpia.consultationNotSought')}
        </label>
        {content.consultation.sought ? (
          <TextAreaField
            label={t('dpia.consultationSummary')}
            rows={4}
            value={content.consultation.summary}
            onChange={(summary) => set({ consultation: { sought: true, summary } })}
            error={field('consultation/summary')}
          />
        ) : (
          <TextAreaField
            label={t('dpia.consultationReason')}
            rows={3}
            value={content.consultation.reason}
            onChange={(reason) => set({ consultation: { sought: false, reason } })}
            error={field('consultation/reason')}
          />
        )}
      </fieldset>
      <TextField
        label={t('dpia.reviewDate')}
        hint={t('dpia.reviewDateHint')}
        type="date"
        dir="ltr"
        value={content.reviewDate}
        onChange={(reviewDate) => set({ reviewDate })}
        error={field('reviewDate')}
      />
      {saved ? <Notice kind="success">{t('dpia.saved')}</Notice> : null}
      <ErrorAlert error={error} />
      <div className="actions">
        <Button type="submit" variant="secondary" busy={draft.busy}>
          {t('dpia.saveDraft')}
        </Button>
        <Button busy={submit.busy} onClick={() => void submit.submit()}>
          {t('dpia.submit')}
        </Button>
      </div>
    </form>
  );
}

function RiskEditor({
  index,
  risk,
  onChange,
  onRemove,
  field,
}: {
  index: number;
  risk: DpiaRisk;
  onChange(risk: DpiaRisk): void;
  onRemove(): void;
  field(path: string): string | undefined;
}) {
  const { t, formatNumber } = useI18n();
  const eventName = useEventName();
  const feared = (FEARED_EVENTS as readonly string[]).includes(risk.event);
  const name = risk.event ? eventName(risk.event) : t('dpia.newRisk', { number: formatNumber(index + 1) });
  const measures = (measures: string[]) => onChange({ ...risk, measures });
  return (
    <fieldset className="risk">
      <legend>{name}</legend>
      {feared ? null : (
        <TextField
          label={t('dpia.eventCode')}
          hint={t('dpia.eventCodeHint')}
          dir="ltr"
          value={risk.event}
          onChange={(event) => onChange({ ...risk, event: event.toLowerCase() })}
          error={field('event')}
        />
      )}
      <TextAreaField
        label={t('dpia.riskDescription', { risk: name })}
        hint={t('dpia.riskDescriptionHint')}
        value={risk.description}
        onChange={(description) => onChange({ ...risk, description })}
        error={field('description')}
      />
      <RatingFields
        legend={t('dpia.before')}
        risk={name}
        rating={risk.rating}
        onChange={(rating) => onChange({ ...risk, rating })}
        error={field('rating/likelihood') ?? field('rating/severity')}
      />
      <fieldset className="measures-editor">
        <legend>{t('dpia.measuresFor', { risk: name })}</legend>
        {field('measures') ? <p className="field-error">{field('measures')}</p> : null}
        {risk.measures.map((measure, j) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: measures are plain lines; their place is their identity.
          <div className="measure" key={j}>
            <FormField label={t('dpia.measureN', { number: formatNumber(j + 1) })}>
              {({ id }) => (
                <input
                  id={id}
                  dir="auto"
                  value={measure}
                  onChange={(e) => measures(risk.measures.map((m, k) => (k === j ? e.target.value : m)))}
                />
              )}
            </FormField>
            {risk.measures.length > 1 ? (
              <Button
                variant="secondary"
                aria-label={t('dpia.removeMeasure', { number: formatNumber(j + 1), risk: name })}
                onClick={() => measures(risk.measures.filter((_, k) => k !== j))}
              >
                {t('dpia.remove')}
              </Button>
            ) : null}
          </div>
        ))}
        <Button variant="secondary" onClick={() => measures([...risk.measures, ''])}>
          {t('dpia.addMeasure')}
        </Button>
      </fieldset>
      <RatingFields
        legend={t('dpia.after')}
        risk={name}
        rating={risk.residual}
        onChange={(residual) => onChange({ ...risk, residual })}
        error={field('residual') ?? field('residual/likelihood') ?? field('residual/severity')}
      />
      {feared ? null : (
        <Button variant="danger" onClick={onRemove}>
          {t('dpia.removeRisk', { risk: name })}
        </Button>
      )}
    </fieldset>
  );
}

/** Likelihood and severity on the CNIL's four levels, with the level they give. */
function RatingFields({
  legend,
  risk,
  rating,
  onChange,
  error,
}: {
  legend: string;
  risk: string;
  rating: Rating;
  onChange(rating: Rating): void;
  error: string | undefined;
}) {
  const { t, formatNumber } = useI18n();
  const scale = (key: 'likelihood' | 'severity') => (
    <FormField label={t(`dpia.${key}`)}>
      {({ id }) => (
        <select
          id={id}
          aria-label={t(`dpia.${key}Of`, { risk, when: legend })}
          value={rating[key]}
          onChange={(e) => onChange({ ...rating, [key]: Number(e.target.value) as Level })}
        >
          {LEVELS.map((level) => (
            <option key={level} value={level}>
              {formatNumber(level)} — {t(`dpia.scale.${level}`)}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
  return (
    <fieldset className={error ? 'rating field-invalid' : 'rating'}>
      <legend>{legend}</legend>
      <div className="rating-scales">
        {scale('likelihood')}
        <span aria-hidden="true" className="times">
          ×
        </span>
        {scale('severity')}
        <p className="rating-level" aria-live="polite">
          <RiskLevelTag rating={rating} />
        </p>
      </div>
      {error ? <p className="field-error">{error}</p> : null}
    </fieldset>
  );
}
