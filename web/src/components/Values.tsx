import type { Dictionary, Spec, Values } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useLabels } from './PersonForm.tsx';

/** A recorded value as text, with enum codes shown by their labels. */
export function ValueText({ field, spec, value }: { field: string; spec: Spec | undefined; value: unknown }) {
  const labels = useLabels();
  const { formatNumber } = useI18n();
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) {
    return (
      <ul className="value-list">
        {value.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: recorded list items have no identity but their place.
          <li key={i}>
            <ValueText field={field} spec={spec?.type === 'list' ? spec.of : undefined} value={item} />
          </li>
        ))}
      </ul>
    );
  }
  if (typeof value === 'object') {
    const members = spec?.type === 'record' ? spec.fields : [];
    return (
      <dl className="value-record">
        {Object.entries(value as Values).map(([k, v]) => {
          const member = members.find((m) => m.name === k);
          return (
            <div key={k}>
              <dt>{labels.field({ name: `${field}.${k}`, label: member?.label ?? k })}</dt>
              <dd>
                <ValueText field={field} spec={member?.spec} value={v} />
              </dd>
            </div>
          );
        })}
      </dl>
    );
  }
  if (spec?.type === 'enum') {
    const option = spec.values.find((o) => o.value === value);
    return <>{option ? labels.option(field, option) : String(value)}</>;
  }
  if (typeof value === 'number') return <>{formatNumber(value)}</>;
  if (typeof value === 'boolean') return <>{value ? '✓' : '✗'}</>;
  return <span dir="auto">{String(value)}</span>;
}

/** The permitted field groups of a person, each as a list of label and value. */
export function GroupValues({ dictionary, data }: { dictionary: Dictionary; data: Record<string, Values> }) {
  const labels = useLabels();
  return (
    <>
      {dictionary.groups
        .filter((g) => data[g.name])
        .map((group) => (
          <section key={group.name} className="group-values" aria-labelledby={`group-${group.name}`}>
            <h3 id={`group-${group.name}`}>{labels.group(group)}</h3>
            <dl>
              {Object.entries(data[group.name]!).map(([name, value]) => {
                const field = dictionary.fields.find((f) => f.name === name);
                return (
                  <div key={name} className="value-row">
                    <dt>{field ? labels.field(field) : name}</dt>
                    <dd>
                      <ValueText field={name} spec={field?.spec} value={value} />
                    </dd>
                  </div>
                );
              })}
            </dl>
          </section>
        ))}
    </>
  );
}
