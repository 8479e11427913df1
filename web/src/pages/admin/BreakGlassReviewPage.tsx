/** ACC-8: every emergency access is reviewed by the DPO afterwards: justified or not. */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { BreakGlassGrant } from '../../api/types.ts';
import { useLoad } from '../../app/data.ts';
import { Button, ErrorAlert, Loading, Notice, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export default function BreakGlassReviewPage() {
  const { t, formatDate } = useI18n();
  const grants = useLoad(
    () =>
      api
        .get<{ grants: BreakGlassGrant[] }>('/api/break-glass', { query: { scope: 'to-review' } })
        .then((r) => r.grants),
    [],
  );
  const [justifications, setJustifications] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string | null>(null);

  const load = async (id: string) => {
    try {
      const review = await api.get<{ justification: string }>(`/api/break-glass/${id}`);
      setJustifications((j) => ({ ...j, [id]: review.justification }));
    } catch (e) {
      setError(e);
    }
  };
  const decide = async (id: string, outcome: 'justified' | 'not-justified') => {
    try {
      await api.post(`/api/break-glass/${id}/review`, { outcome });
      setMessage(t('breakGlassReview.recorded'));
      grants.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div>
      <PageHeading>{t('breakGlassReview.title')}</PageHeading>
      {message ? <Notice kind="success">{message}</Notice> : null}
      <ErrorAlert error={error ?? grants.error} />
      {grants.loading ? <Loading /> : null}
      {grants.data?.length === 0 ? <p>{t('breakGlassReview.none')}</p> : null}
      <ul className="cards">
        {(grants.data ?? []).map((g) => (
          <li key={g.id} className="card">
            <p>
              {t('breakGlassReview.when', {
                start: formatDate(g.startsAt),
                end: formatDate(g.endedEarlyAt ?? g.endsAt),
              })}
            </p>
            {justifications[g.id] ? (
              <blockquote dir="auto">{justifications[g.id]}</blockquote>
            ) : (
              <Button variant="secondary" onClick={() => void load(g.id)}>
                {t('breakGlassReview.read')}
              </Button>
            )}
            <div className="actions">
              <Button onClick={() => void decide(g.id, 'justified')}>
                {t('breakGlassReview.justified')}
              </Button>
              <Button variant="danger" onClick={() => void decide(g.id, 'not-justified')}>
                {t('breakGlassReview.notJustified')}
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
