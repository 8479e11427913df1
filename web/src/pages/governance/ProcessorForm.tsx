/** Adding or changing a processor (GOV-3): what it does, for which purposes and data, where, and its paperwork. */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { CATEGORIES, type Processor, type ProcessorInput } from '../../api/governance.ts';
import type { Purpose } from '../../api/types.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Button, ErrorAlert, FormField, TextField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useFieldErrors, usePurposeTitle } from './common.tsx';

const DATES = [
  'contractSigned',
  'contractExpires',
  'dpaSigned',
  'dpaExpires',
  'lastAudit',
  'nextAudit',
  'endedOn',
] as const;

const EMPTY: ProcessorInput = {
  name: '',
  service: '',
  parentId: null,
  categories: [],
  purposes: [],
  locations: [],
  transferSafeguard: null,
  contractSigned: null,
  contractExpires: null,
  dpaSigned: null,
  dpaExpires: null,
  lastAudit: null,
  nextAudit: null,
  endedOn: null,
};

export function ProcessorForm({
  processor,
  processors,
  purposes,
  onSaved,
  onCancel,
}: {
  processor: Processor | null;
  processors: Processor[];
  purposes: Purpose[];
  onSaved(processor: Processor, added: boolean): void;
  onCancel(): void;
}) {
  const { t, maybe } = useI18n();
  const purposeTitle = usePurposeTitle();
  const [input, setInput] = useState<ProcessorInput>(() => {
    if (!processor) return EMPTY;
    const { id: _id, problems: _problems, updatedAt: _updatedAt, ...rest } = processor;
    return rest;
  });
  const [locations, setLocations] = useState(input.locations.join(', '));
  const set = (change: Partial<ProcessorInput>) => setInput((i) => ({ ...i, ...change }));
  const toggle = (key: 'categories' | 'purposes', value: string, on: boolean) =>
    setInput((i) => ({ ...i, [key]: on ? [...i[key], value] : i[key].filter((v) => v !== value) }));

  const { busy, error, submit } = useFormAction(async () => {
    const body: ProcessorInput = {
      ...input,
      locations: locations
        .split(/[\s,;]+/)
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean),
      transferSafeguard: input.transferSafeguard?.trim() || null,
    };
    const saved = processor
      ? await api.request<Processor>(`/api/processors/${processor.id}`, { method: 'PUT', body })
      : await api.post<Processor>('/api/processors', body);
    onSaved(saved, !processor);
  });
  const field = useFieldErrors(error);
  const heading = processor ? t('processors.editTitle', { name: processor.name }) : t('processors.add');

  return (
    <section aria-labelledby="processor-form" className="card">
      <h2 id="processor-form">{heading}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField
          label={t('processors.name')}
          dir="auto"
          required
          maxLength={200}
          value={input.name}
          onChange={(name) => set({ name })}
          error={field('name')}
        />
        <TextField
          label={t('processors.service')}
          dir="auto"
          hint={t('processors.serviceHint')}
          required
          maxLength={500}
          value={input.service}
          onChange={(service) => set({ service })}
          error={field('service')}
        />
        <FormField label={t('processors.parent')} hint={t('processors.parentHint')} error={field('parentId')}>
          {({ id, describedBy }) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={input.parentId ?? ''}
              onChange={(e) => set({ parentId: e.target.value || null })}
            >
              <option value="">{t('processors.noParent')}</option>
              {processors
                .filter((p) => p.id !== processor?.id)
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
            </select>
          )}
        </FormField>
        <fieldset className={field('purposes', true) ? 'choices field-invalid' : 'choices'}>
          <legend>{t('processors.purposes')}</legend>
          {purposes.map((p) => (
            <label key={p.name} className="choice">
              <input
                type="checkbox"
                checked={input.purposes.includes(p.name)}
                onChange={(e) => toggle('purposes', p.name, e.target.checked)}
              />
              {purposeTitle(p.name, p.title)}
            </label>
          ))}
          {field('purposes', true) ? <p className="field-error">{field('purposes', true)}</p> : null}
        </fieldset>
        <fieldset className={field('categories', true) ? 'choices columns field-invalid' : 'choices columns'}>
          <legend>{t('processors.categories')}</legend>
          {CATEGORIES.map((c) => (
            <label key={c} className="choice">
              <input
                type="checkbox"
                checked={input.categories.includes(c)}
                onChange={(e) => toggle('categories', c, e.target.checked)}
              />
              {maybe(`category.${c}`) ?? c}
            </label>
          ))}
          {field('categories', true) ? <p className="field-error">{field('categories', true)}</p> : null}
        </fieldset>
        <TextField
          label={t('processors.locations')}
          hint={t('processors.locationsHint')}
          dir="ltr"
          value={locations}
          onChange={setLocations}
          error={field('locations', true)}
        />
        <TextField
          label={t('processors.safeguard')}
          dir="auto"
          hint={t('processors.safeguardHint')}
          maxLength={500}
          value={input.transferSafeguard ?? ''}
          onChange={(transferSafeguard) => set({ transferSafeguard })}
          error={field('transferSafeguard')}
        />
        <fieldset>
          <legend>{t('processors.paperwork')}</legend>
          <div className="date-grid">
            {DATES.map((key) => (
              <TextField
                key={key}
                label={t(`processors.date.${key}`)}
                type="date"
                dir="ltr"
                value={input[key] ?? ''}
                onChange={(value) => set({ [key]: value || null })}
                error={field(key)}
              />
            ))}
          </div>
        </fieldset>
        <ErrorAlert error={error} />
        <div className="actions">
          <Button type="submit" busy={busy}>
            {processor ? t('processors.saveButton') : t('processors.addButton')}
          </Button>
          <Button variant="secondary" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </div>
      </form>
    </section>
  );
}
