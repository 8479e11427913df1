import type { Purpose } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** PUR-1: every access starts by saying why. Only purposes in force can be chosen. */
export function PurposePicker({
  purposes,
  value,
  onChange,
  legend,
}: {
  purposes: Purpose[];
  value: string;
  onChange(name: string): void;
  legend: string;
}) {
  const { t, maybe } = useI18n();
  return (
    <fieldset className="group purposes">
      <legend>{legend}</legend>
      {purposes.map((p) => (
        <label key={p.name} className="choice purpose-choice">
          <input
            type="radio"
            name="purpose"
            value={p.name}
            checked={value === p.name}
            disabled={!p.usable}
            onChange={() => onChange(p.name)}
          />
          <span>
            <strong>{maybe(`purpose.${p.name}`) ?? p.title}</strong>
            {p.usable ? null : <span className="tag">{t('purpose.notUsable')}</span>}
            <span className="description">{maybe(`purpose.${p.name}.description`) ?? p.description}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

export function usablePurposes(purposes: Purpose[] | undefined): Purpose[] {
  return (purposes ?? []).filter((p) => p.collect.length > 0 && p.status !== 'prohibited');
}
