/** ACC-6: corrections waiting for approval; the proposer can never approve their own. */
import { useState } from 'react';
import { api } from '../api/client.ts';
import type { Correction } from '../api/types.ts';
import { useDictionary, useLoad } from '../app/data.ts';
import { useAccount } from '../app/session.tsx';
import { useLabels } from '../components/PersonForm.tsx';
import { Button, ErrorAlert, Loading, Notice, PageHeading } from '../components/ui.tsx';
import { ValueText } from '../components/Values.tsx';
import { useI18n } from '../i18n/i18n.tsx';

interface CorrectionDetail extends Correction {
  changes: { group: string; field: string; current: unknown; proposed: unknown }[];
}

export default function CorrectionsPage() {
  const { t, formatDate, maybe } = useI18n();
  const queue = useLoad(
    () => api.get<{ corrections: Correction[] }>('/api/corrections').then((r) => r.corrections),
    [],
  );
  const [done, setDone] = useState<string | null>(null);
  return (
    <div>
      <PageHeading>{t('corrections.title')}</PageHeading>
      {done ? <Notice kind="success">{done}</Notice> : null}
      <ErrorAlert error={queue.error} />
      {queue.loading ? <Loading /> : null}
      {queue.data?.length === 0 ? <p>{t('corrections.none')}</p> : null}
      <ul className="cards">
        {(queue.data ?? []).map((c) => (
          <li key={c.id} className="card">
            <p>
              {t('corrections.proposedAt', { when: formatDate(c.proposedAt) })} ·{' '}
              {maybe(`purpose.${c.purpose}`) ?? c.purpose}
            </p>
            <p dir="auto">
              {t('corrections.reason')}: {maybe(`correction.reason.${c.reason}`) ?? c.reason}
            </p>
            <CorrectionReview
              correction={c}
              onDecided={(decision) => {
                setDone(decision === 'approve' ? t('corrections.approved') : t('corrections.rejected'));
                queue.reload();
              }}
            />
          </li>
        ))}
      </ul>
    </div>
  );
}

function CorrectionReview({
  correction,
  onDecided,
}: {
  correction: Correction;
  onDecided(decision: 'approve' | 'reject'): void;
}) {
  const { t } = useI18n();
  const account = useAccount();
  const dictionary = useDictionary();
  const labels = useLabels();
  const [detail, setDetail] = useState<CorrectionDetail | null>(null);
  const [error, setError] = useState<unknown>();
  const options = { purpose: correction.purpose };

  const open = async () => {
    setError(undefined);
    try {
      setDetail(await api.get<CorrectionDetail>(`/api/corrections/${correction.id}`, options));
    } catch (e) {
      setError(e);
    }
  };
  const decide = async (decision: 'approve' | 'reject') => {
    setError(undefined);
    try {
      await api.post(`/api/corrections/${correction.id}/${decision}`, {}, options);
      onDecided(decision);
    } catch (e) {
      setError(e);
    }
  };

  if (account.role !== 'supervisor') return null;
  return (
    <>
      <ErrorAlert error={error} />
      {detail ? (
        <>
          <table>
            <caption className="visually-hidden">{t('corrections.changes')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('corrections.field')}</th>
                <th scope="col">{t('corrections.current')}</th>
                <th scope="col">{t('corrections.proposed')}</th>
              </tr>
            </thead>
            <tbody>
              {detail.changes.map((c) => {
                const field = dictionary.data?.fields.find((f) => f.name === c.field);
                return (
                  <tr key={c.field}>
                    <th scope="row">{field ? labels.field(field) : c.field}</th>
                    <td>
                      <ValueText field={c.field} spec={field?.spec} value={c.current} />
                    </td>
                    <td>
                      <ValueText field={c.field} spec={field?.spec} value={c.proposed} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="actions">
            <Button onClick={() => void decide('approve')}>{t('corrections.approve')}</Button>
            <Button variant="secondary" onClick={() => void decide('reject')}>
              {t('corrections.reject')}
            </Button>
          </div>
        </>
      ) : (
        <Button variant="secondary" onClick={() => void open()}>
          {t('corrections.review')}
        </Button>
      )}
    </>
  );
}
