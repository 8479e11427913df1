/**
 * Access reviews (ACC-7). A supervisor (and the DPO, for the staff nobody else reviews) sees the grants they decide
 * — role, tier, caseload, break-glass eligibility, a partner's access under an agreement — with what each was used
 * for in the ledger (last use, how many events, how many people), and approves it until a new review date or revokes
 * it; both ask for the password again. The DPO and administrators start campaigns; everyone here sees whose
 * data-protection training is missing or expired; the DPO and administrators record training, and administrators
 * make trained staff eligible for break-glass and say who reviews whom.
 */
import { useAccount } from '../../app/session.tsx';
import { PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { CampaignsSection } from './CampaignsSection.tsx';
import { GrantsSection } from './GrantsSection.tsx';
import { TrainingSection } from './TrainingSection.tsx';

export default function ReviewsPage() {
  const { t } = useI18n();
  const { role } = useAccount();
  const reviews = role === 'supervisor' || role === 'dpo';
  const governs = role === 'dpo' || role === 'admin';
  return (
    <div>
      <PageHeading>{t('reviews.title')}</PageHeading>
      <p>{t('reviews.explain')}</p>
      {governs ? <CampaignsSection /> : null}
      {reviews ? <GrantsSection /> : null}
      <TrainingSection canRecord={governs} administers={role === 'admin'} />
    </div>
  );
}
