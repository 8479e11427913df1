/** Review campaigns (ACC-7), for the DPO and administrators: start one, and how far each got. */
import { useState } from 'react';
import { reviewCampaigns, startCampaign } from '../../api/reviews.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Button, ErrorAlert, Loading, TextField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, today } from '../governance/common.tsx';
import { addDays } from './GrantsSection.tsx';

/** Without a day chosen, reviewers get two weeks (src/reviews/campaigns.ts). */
const CAMPAIGN_DAYS = 14;

export function CampaignsSection() {
  const { t, formatDate, formatDay, formatNumber } = useI18n();
  const loaded = useLoad(reviewCampaigns, []);
  const [dueBy, setDueBy] = useState(addDays(today(), CAMPAIGN_DAYS));
  const [started, setStarted] = useState<number | null>(null);
  const start = useFormAction(async () => {
    const campaign = await startCampaign(dueBy);
    setStarted(campaign.items);
    loaded.reload();
  });
  const campaigns = loaded.data?.campaigns ?? [];
  const open = campaigns.some((c) => c.state === 'open');
  return (
    <section aria-labelledby="reviews-campaigns">
      <h2 id="reviews-campaigns">{t('reviews.campaigns.title')}</h2>
      <p>{t('reviews.campaigns.explain')}</p>
      <div role="status">
        {started !== null ? (
          <p className="alert alert-success">{t('reviews.campaigns.started', { count: started })}</p>
        ) : null}
      </div>
      {open ? null : (
        <form className="inline-form" onSubmit={(e) => void start.submit(e)}>
          <TextField
            label={t('reviews.campaigns.dueBy')}
            type="date"
            required
            value={dueBy}
            onChange={setDueBy}
          />
          <div className="actions">
            <Button type="submit" busy={start.busy}>
              {t('reviews.campaigns.start')}
            </Button>
          </div>
          <ErrorAlert error={start.error} />
        </form>
      )}
      <ErrorAlert error={loaded.error} />
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data && campaigns.length === 0 ? <p>{t('reviews.campaigns.none')}</p> : null}
      {campaigns.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('reviews.campaigns.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reviews.campaigns.startedAt')}</th>
                <th scope="col">{t('reviews.campaigns.dueBy')}</th>
                <th scope="col">{t('reviews.campaigns.state')}</th>
                <th scope="col">{t('reviews.campaigns.progress')}</th>
              </tr>
            </thead>
            <tbody>
              {campaigns.map((c) => (
                <tr key={c.id}>
                  <td>{formatDate(c.startedAt)}</td>
                  <td>{formatDay(c.dueBy)}</td>
                  <td>
                    <Tag kind={c.state === 'open' ? 'warn' : 'plain'}>
                      {t(`reviews.campaigns.state.${c.state}`)}
                    </Tag>
                  </td>
                  <td>
                    {t('reviews.campaigns.decided', {
                      decided: formatNumber(c.decided),
                      items: formatNumber(c.items),
                      approved: formatNumber(c.approved),
                      revoked: formatNumber(c.revoked),
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
