/** Supervisors put a person in a caseworker's caseload; only then can the caseworker read the case. */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useLoad } from '../../app/data.ts';
import type { Colleague } from '../../components/NoticeAndBasis.tsx';
import { Button, ErrorAlert, FormField, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function Caseload({ personId, purpose }: { personId: string; purpose: string }) {
  const { t } = useI18n();
  const staff = useLoad(
    () =>
      api.get<{ staff: Colleague[] }>('/api/staff', { query: { role: 'caseworker' } }).then((r) => r.staff),
    [],
  );
  const [chosen, setChosen] = useState('');
  const [assignees, setAssignees] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>();

  const change = async (accountId: string, assign: boolean) => {
    setError(undefined);
    try {
      const path = `/api/persons/${personId}/caseload/${accountId}`;
      const result = assign
        ? await api.put<{ assignees: string[] }>(path, { purpose })
        : await api.delete<{ assignees: string[] }>(path, undefined, { purpose });
      setAssignees(result.assignees);
    } catch (e) {
      setError(e);
    }
  };
  const email = (id: string) => staff.data?.find((s) => s.id === id)?.email ?? id;

  return (
    <section aria-labelledby="caseload-heading">
      <h2 id="caseload-heading">{t('caseload.title')}</h2>
      <ErrorAlert error={error ?? staff.error} />
      {assignees ? (
        <Notice>
          {assignees.length === 0
            ? t('caseload.nobody')
            : t('caseload.assigned', { names: assignees.map(email).join(', ') })}
        </Notice>
      ) : null}
      <FormField label={t('caseload.caseworker')}>
        {({ id }) => (
          <select id={id} value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <option value="">{t('form.choose')}</option>
            {(staff.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.email}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <div className="actions">
        <Button disabled={!chosen} onClick={() => void change(chosen, true)}>
          {t('caseload.assign')}
        </Button>
        <Button variant="secondary" disabled={!chosen} onClick={() => void change(chosen, false)}>
          {t('caseload.unassign')}
        </Button>
      </div>
    </section>
  );
}
