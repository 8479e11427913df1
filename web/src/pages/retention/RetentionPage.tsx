/**
 * Retention (RET-1, RET-2), for supervisors and the DPO: what the rules make due in the days ahead and what a legal
 * hold keeps, the organisation's legal holds (approved here by a second person), the last sweeps with their disposal
 * figures, the last restore drill (RES-1), and — for the DPO only — the sweep run now. Ids, groups, rules, days and
 * counts: never a value.
 */
import { useState } from 'react';
import { useAccount } from '../../app/session.tsx';
import { PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { LegalHoldsSection } from './LegalHoldsSection.tsx';
import { PreviewSection } from './PreviewSection.tsx';
import { SweepsSection } from './SweepsSection.tsx';

export default function RetentionPage() {
  const { t } = useI18n();
  const account = useAccount();
  // A finished sweep changes what is due: the preview is asked again.
  const [swept, setSwept] = useState(0);
  return (
    <div>
      <PageHeading>{t('retentionPage.title')}</PageHeading>
      <p>{t('retentionPage.explain')}</p>
      <PreviewSection generation={swept} />
      <LegalHoldsSection />
      <SweepsSection canRun={account.role === 'dpo'} onSwept={() => setSwept((n) => n + 1)} />
    </div>
  );
}
