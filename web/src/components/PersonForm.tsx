/**
 * A person's details as the data dictionary defines them (MIN-1): only the fields the chosen purpose may
 * collect, grouped by field group, each with its label, hint and the server's validation message beside it.
 */
import type { ReactNode } from 'react';
import type { FieldProblem } from '../api/client.ts';
import type { Dictionary, DictionaryField, Spec, Values } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { FormField } from './ui.tsx';

type Scalar = Exclude<Spec, { type: 'record' } | { type: 'list' }>;

export function useLabels() {
  const { maybe } = useI18n();
  return {
    field: (f: { name: string; label: string }) => maybe(`field.${f.name}`) ?? f.label,
    hint: (f: { name: string; description: string | null }) => maybe(`fieldHint.${f.name}`) ?? f.description,
    group: (g: { name: string; label: string }) => maybe(`group.${g.name}`) ?? g.label,
    option: (field: string, v: { value: string; label: string }) =>
      maybe(`option.${field}.${v.value}`) ?? v.label,
  };
}

/** Field problems by path, in the reader's language where the code has a message. */
export function useProblemText() {
  const { maybe } = useI18n();
  return (problems: FieldProblem[]): Map<string, string> => {
    const byPath = new Map<string, string>();
    for (const p of problems) {
      const text = maybe(`problem.${p.code}`) ?? p.message;
      byPath.set(p.path, byPath.has(p.path) ? `${byPath.get(p.path)} ${text}` : text);
    }
    return byPath;
  };
}

export function PersonForm({
  dictionary,
  fields,
  values,
  onChange,
  problems,
}: {
  dictionary: Dictionary;
  fields: string[];
  values: Values;
  onChange(values: Values): void;
  problems: Map<string, string>;
}) {
  const labels = useLabels();
  const byGroup = new Map<string, DictionaryField[]>();
  for (const name of fields) {
    const field = dictionary.fields.find((f) => f.name === name);
    if (!field) continue;
    byGroup.set(field.group, [...(byGroup.get(field.group) ?? []), field]);
  }
  return (
    <>
      {dictionary.groups
        .filter((g) => byGroup.has(g.name))
        .map((group) => (
          <fieldset key={group.name} className="group">
            <legend>{labels.group(group)}</legend>
            {byGroup.get(group.name)!.map((field) => (
              <ValueInput
                key={field.name}
                path={field.name}
                label={labels.field(field)}
                hint={labels.hint(field)}
                spec={field.spec}
                value={values[field.name]}
                problems={problems}
                onChange={(value) => {
                  const next = { ...values };
                  if (isEmpty(value)) delete next[field.name];
                  else next[field.name] = value;
                  onChange(next);
                }}
              />
            ))}
          </fieldset>
        ))}
    </>
  );
}

export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.every(isEmpty);
  if (typeof value === 'object') return Object.values(value as object).every(isEmpty);
  return false;
}

/** Drops empty list items and record members, so that what is sent is only what was entered. */
export function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => !isEmpty(v)).map(compact);
  if (value && typeof value === 'object') {
    const out: Values = {};
    for (const [k, v] of Object.entries(value)) if (!isEmpty(v)) out[k] = compact(v);
    return out;
  }
  return value;
}

function ValueInput({
  path,
  label,
  hint,
  spec,
  value,
  onChange,
  problems,
  required,
}: {
  path: string;
  label: string;
  hint?: string | null | undefined;
  spec: Spec;
  value: unknown;
  onChange(value: unknown): void;
  problems: Map<string, string>;
  required?: boolean;
}): ReactNode {
  const { t } = useI18n();
  const labels = useLabels();
  const error = problems.get(path);
  const field = path.replace(/\[\d+\]/g, '').split('.')[0]!;

  if (spec.type === 'record') {
    const record = (value as Values | undefined) ?? {};
    return (
      <fieldset className="record">
        <legend>{label}</legend>
        {error ? <p className="field-error">{error}</p> : null}
        {spec.fields.map((member) => (
          <ValueInput
            key={member.name}
            path={`${path}.${member.name}`}
            label={labels.field({ name: `${field}.${member.name}`, label: member.label })}
            hint={member.description}
            spec={member.spec}
            value={record[member.name]}
            required={member.required}
            problems={problems}
            onChange={(v) => onChange({ ...record, [member.name]: v })}
          />
        ))}
      </fieldset>
    );
  }

  if (spec.type === 'list') {
    const items = Array.isArray(value) ? value : [];
    if (spec.of.type === 'enum') {
      const chosen = new Set(items as string[]);
      return (
        <fieldset className="choices">
          <legend>{label}</legend>
          {hint ? <p className="hint">{hint}</p> : null}
          {spec.of.values.map((option) => (
            <label key={option.value} className="choice">
              <input
                type="checkbox"
                checked={chosen.has(option.value)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(option.value);
                  else next.delete(option.value);
                  onChange([...next]);
                }}
              />
              {labels.option(field, option)}
            </label>
          ))}
          {error ? <p className="field-error">{error}</p> : null}
        </fieldset>
      );
    }
    const shown = items.length === 0 ? [undefined] : items;
    const itemSpec = spec.of;
    return (
      <fieldset className="list">
        <legend>{label}</legend>
        {hint ? <p className="hint">{hint}</p> : null}
        {error ? <p className="field-error">{error}</p> : null}
        {shown.map((item, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: list items have no identity but their place.
          <div className="list-item" key={index}>
            <ValueInput
              path={`${path}[${index}]`}
              label={t('form.item', { label, number: index + 1 })}
              spec={itemSpec}
              value={item}
              problems={problems}
              onChange={(v) => {
                const next = [...shown];
                next[index] = v;
                onChange(next);
              }}
            />
            {shown.length > 1 ? (
              <button
                type="button"
                className="button button-secondary"
                onClick={() => onChange(shown.filter((_, i) => i !== index))}
              >
                {t('form.removeItem', { number: index + 1 })}
              </button>
            ) : null}
          </div>
        ))}
        {shown.length < spec.maxItems ? (
          <button
            type="button"
            className="button button-secondary"
            onClick={() => onChange([...shown, undefined])}
          >
            {t('form.addItem', { label })}
          </button>
        ) : null}
      </fieldset>
    );
  }

  return (
    <ScalarInput
      path={path}
      field={field}
      label={label}
      hint={hint}
      spec={spec}
      value={value}
      onChange={onChange}
      error={error}
      required={required ?? false}
    />
  );
}

function ScalarInput({
  path,
  field,
  label,
  hint,
  spec,
  value,
  onChange,
  error,
  required,
}: {
  path: string;
  field: string;
  label: string;
  hint?: string | null | undefined;
  spec: Scalar;
  value: unknown;
  onChange(value: unknown): void;
  error: string | undefined;
  required: boolean;
}) {
  const { t } = useI18n();
  const labels = useLabels();
  const text = value === undefined || value === null ? '' : String(value);
  const typeHint =
    spec.type === 'partial-date'
      ? t('hint.partialDate')
      : spec.type === 'country'
        ? t('hint.country')
        : spec.type === 'language'
          ? t('hint.language')
          : spec.type === 'phone'
            ? t('hint.phone')
            : undefined;
  const fullHint = [hint, typeHint].filter(Boolean).join(' ');

  if (spec.type === 'boolean') {
    return (
      <div className="field">
        <label className="choice">
          <input
            type="checkbox"
            name={path}
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />
          {label}
        </label>
        {error ? <p className="field-error">{error}</p> : null}
      </div>
    );
  }

  return (
    <FormField label={label} hint={fullHint || undefined} error={error} required={required}>
      {({ id, describedBy, invalid }) => {
        const common = {
          id,
          name: path,
          'aria-describedby': describedBy,
          'aria-invalid': invalid || undefined,
          required,
        };
        switch (spec.type) {
          case 'enum':
            return (
              <select {...common} value={text} onChange={(e) => onChange(e.target.value || undefined)}>
                <option value="">{t('form.choose')}</option>
                {spec.values.map((option) => (
                  <option key={option.value} value={option.value}>
                    {labels.option(field, option)}
                  </option>
                ))}
              </select>
            );
          case 'text':
            return (
              <textarea
                {...common}
                dir="auto"
                rows={3}
                maxLength={spec.maxLength}
                value={text}
                onChange={(e) => onChange(e.target.value)}
              />
            );
          case 'integer':
            return (
              <input
                {...common}
                type="number"
                inputMode="numeric"
                min={spec.min}
                max={spec.max}
                value={text}
                onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
              />
            );
          case 'date':
            return <input {...common} type="date" value={text} onChange={(e) => onChange(e.target.value)} />;
          default:
            return (
              <input
                {...common}
                type={spec.type === 'phone' ? 'tel' : 'text'}
                dir={spec.type === 'name' || spec.type === 'string' ? 'auto' : 'ltr'}
                inputMode={spec.type === 'phone' ? 'tel' : undefined}
                autoComplete="off"
                maxLength={'maxLength' in spec ? spec.maxLength : undefined}
                value={text}
                onChange={(e) => onChange(e.target.value)}
              />
            );
        }
      }}
    </FormField>
  );
}
