/**
 * RET-1, ACC-6: the organisation's legal holds — those in force and those waiting for a second person's approval
 * first, each with its person's page where it was placed and is released; a hold placed by someone else is approved
 * here. The work list links here (#legal-holds). Ids, codes and dates, never the words given.
 */
import { useEffect, useState } from 'react';
import { listLegalHolds, PENDING_HOLD_DAYS } from '../../api/legal-holds.ts';
import { useLoad } from '../../app/data.ts';
import { ErrorAlert, Loading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { type HoldStepDone, HoldTable } from '../person/HoldTable.tsx';
import { Done } from '../person/LegalHolds.tsx';

export function LegalHoldsSection() {
  const { t, formatNumber } = useI18n();
  const holds = useLoad(listLegalHolds, []);
  const [done, setDone] = useState<HoldStepDone | null>(null);
  const loaded = holds.data !== undefined;

  // Reached from the work list at /retention#legal-holds: shown once it is there.
  useEffect(() => {
    if (loaded && window.location.hash === '#legal-holds')
      document.getElementById('legal-holds')?.scrollIntoView();
  }, [loaded]);

  const all = holds.data ?? [];
  const inForce = all.filter((h) => h.state === 'pending' || h.state === 'active');
  const ended = all.filter((h) => h.state !== 'pending' && h.state !== 'active');
  const stepped = (step: HoldStepDone) => {
    setDone(step);
    holds.reload();
  };
  return (
    <section aria-labelledby="legal-holds-title" id="legal-holds">
      <h2 id="legal-holds-title">{t('retentionPage.holds.title')}</h2>
      <p>{t('retentionPage.holds.explain', { days: formatNumber(PENDING_HOLD_DAYS) })}</p>
      <div role="status">{done ? <Done done={done} /> : null}</div>
      <ErrorAlert error={holds.error} />
      {holds.loading && !loaded ? <Loading /> : null}
      {loaded ? (
        inForce.length === 0 ? (
          <p>{t('retentionPage.holds.noneInForce')}</p>
        ) : (
          <HoldTable holds={inForce} caption={t('retentionPage.holds.inForce')} withPerson onDone={stepped} />
        )
      ) : null}
      {ended.length > 0 ? (
        <details>
          <summary>{t('retentionPage.holds.ended', { count: ended.length })}</summary>
          <HoldTable
            holds={ended}
            caption={t('retentionPage.holds.endedCaption')}
            withPerson
            onDone={stepped}
          />
        </details>
      ) : null}
    </section>
  );
}
