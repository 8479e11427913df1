/**
 * The grants this reviewer decides, each with its use from the ledger, and approve (new review date) or revoke.
 * Approving and revoking ask for the password again (ACC-4): the app's re-authentication dialog answers and the
 * step is retried. What was done stays as a message and a grant, so a language switch translates it too.
 */
import { useState } from 'react';
import {
  type AccessGrant,
  approveGrant,
  DEFAULT_REVIEW_DAYS,
  type ReviewEntry,
  reviewGrants,
  revokeGrant,
} from '../../api/reviews.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Button, Dialog, ErrorAlert, Loading, TextField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, today } from '../governance/common.tsx';

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A grant in words: "Role: caseworker", "Tier 3", "Caseload", "Break-glass eligibility", "Agreement: …". */
export function useGrantWords() {
  const { t, maybe } = useI18n();
  return (grant: AccessGrant) => {
    switch (grant.kind) {
      case 'role':
        return t('reviews.grant.role', { role: maybe(`role.${grant.scope}`) ?? grant.scope });
      case 'tier':
        return t('reviews.grant.tier', { tier: grant.scope });
      case 'agreement':
        return t('reviews.grant.agreement', { title: grant.agreement ?? grant.scope });
      default:
        return t(`reviews.grant.${grant.kind}`);
    }
  };
}

export function GrantsSection() {
  const { t } = useI18n();
  const loaded = useLoad(reviewGrants, []);
  const [done, setDone] = useState<{ message: 'reviews.approved' | 'reviews.revoked'; grant: AccessGrant }>();
  const words = useGrantWords();
  const entries = loaded.data?.entries ?? [];
  return (
    <section aria-labelledby="reviews-grants">
      <h2 id="reviews-grants">{t('reviews.grants.title')}</h2>
      <p>{t('reviews.grants.explain')}</p>
      <div role="status">
        {done ? (
          <p className="alert alert-success">
            {t(done.message, { grant: words(done.grant), holder: done.grant.account ?? '' })}
          </p>
        ) : null}
      </div>
      <ErrorAlert error={loaded.error} />
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data && entries.length === 0 ? <p>{t('reviews.grants.none')}</p> : null}
      {entries.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('reviews.grants.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reviews.grants.holder')}</th>
                <th scope="col">{t('reviews.grants.grant')}</th>
                <th scope="col">{t('reviews.grants.due')}</th>
                <th scope="col">{t('reviews.grants.lastUse')}</th>
                <th scope="col">{t('reviews.grants.volume')}</th>
                <th scope="col">{t('reviews.grants.training')}</th>
                <th scope="col">{t('reviews.grants.decision')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <GrantRow
                  key={entry.grant.id}
                  entry={entry}
                  onDone={(message, grant) => {
                    setDone({ message, grant });
                    loaded.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function GrantRow({
  entry,
  onDone,
}: {
  entry: ReviewEntry;
  onDone(message: 'reviews.approved' | 'reviews.revoked', grant: AccessGrant): void;
}) {
  const { t, formatDate, formatDay, formatNumber } = useI18n();
  const words = useGrantWords();
  const { grant, usage, campaign } = entry;
  const [approving, setApproving] = useState(false);
  const [revoking, setRevoking] = useState(false);
  const [until, setUntil] = useState(addDays(today(), DEFAULT_REVIEW_DAYS));
  const approve = useFormAction(async () => {
    const approved = await approveGrant(grant.id, until);
    setApproving(false);
    onDone('reviews.approved', approved);
  });
  const revoke = useFormAction(async () => {
    const revoked = await revokeGrant(grant.id);
    setRevoking(false);
    onDone('reviews.revoked', revoked);
  });
  const holder = grant.account ?? grant.agreement ?? '';
  const label = words(grant);
  const overdue = grant.reviewDue < today();
  return (
    <tr>
      <td>
        <span dir="ltr">{holder}</span>
      </td>
      <td>
        {label}
        {grant.state === 'lapsed' ? (
          <>
            {' '}
            <Tag kind="bad">{t('reviews.state.lapsed')}</Tag>
          </>
        ) : null}
      </td>
      <td>
        {formatDay(grant.reviewDue)}
        {overdue && grant.state === 'active' ? (
          <>
            {' '}
            <Tag kind="bad">{t('governance.overdue')}</Tag>
          </>
        ) : null}
      </td>
      <td>{usage?.lastUse ? formatDate(usage.lastUse) : t('reviews.grants.neverUsed')}</td>
      <td>
        {usage
          ? t('reviews.grants.volumeOf', {
              events: formatNumber(usage.volume),
              people: formatNumber(usage.people),
            })
          : null}
      </td>
      <td>
        {entry.trainingCurrent === null ? null : (
          <Tag kind={entry.trainingCurrent ? 'good' : 'warn'}>
            {t(entry.trainingCurrent ? 'reviews.training.current' : 'reviews.training.overdue')}
          </Tag>
        )}
      </td>
      <td>
        {campaign?.decision ? (
          <Tag kind={campaign.decision === 'approved' ? 'good' : 'bad'}>
            {t(`reviews.decision.${campaign.decision}`)}
          </Tag>
        ) : (
          <div className="actions">
            <Button
              variant="secondary"
              aria-label={t('reviews.approveOf', { grant: label, holder })}
              onClick={() => setApproving(true)}
            >
              {t('reviews.approve')}
            </Button>
            {grant.state === 'active' ? (
              <Button
                variant="danger"
                aria-label={t('reviews.revokeOf', { grant: label, holder })}
                onClick={() => setRevoking(true)}
              >
                {t('reviews.revoke')}
              </Button>
            ) : null}
          </div>
        )}
        <Dialog
          title={t('reviews.approveTitle', { grant: label, holder })}
          open={approving}
          onClose={() => setApproving(false)}
        >
          <form onSubmit={(e) => void approve.submit(e)}>
            <TextField
              label={t('reviews.nextReview')}
              hint={t('reviews.nextReviewHint')}
              type="date"
              required
              value={until}
              onChange={setUntil}
            />
            <ErrorAlert error={approve.error} />
            <div className="actions">
              <Button type="submit" busy={approve.busy}>
                {t('reviews.approve')}
              </Button>
              <Button variant="secondary" onClick={() => setApproving(false)}>
                {t('common.cancel')}
              </Button>
            </div>
          </form>
        </Dialog>
        <Dialog
          title={t('reviews.revokeTitle', { grant: label, holder })}
          open={revoking}
          onClose={() => setRevoking(false)}
        >
          <p>{t(`reviews.revokeExplain.${grant.kind}`)}</p>
          <ErrorAlert error={revoke.error} />
          <div className="actions">
            <Button variant="danger" busy={revoke.busy} onClick={() => void revoke.submit()}>
              {t('reviews.revoke')}
            </Button>
            <Button variant="secondary" onClick={() => setRevoking(false)}>
              {t('common.cancel')}
            </Button>
          </div>
        </Dialog>
      </td>
    </tr>
  );
}
