/**
 * One data-sharing agreement (SHA-1): what it lets out, to whom, on which basis, for how long; the DPIAs it rests
 * on (GOV-2); who proposed and approved it (ACC-6). A DPO approves, resumes and terminates; a DPO or an
 * administrator suspends. What was released under it is shown once Haven releases data.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Agreement } from '../../api/sharing.ts';
import { useDictionary, useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, PageHeading, TextAreaField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useNotice, usePurposeTitle } from '../governance/common.tsx';
import { AgreementStatusTag, OptionalSection } from './common.tsx';

/** One change of the agreement's state, with the reason typed below for suspending and ending it. */
function useAgreementAction(
  id: string,
  action: 'approve' | 'suspend' | 'resume' | 'terminate',
  reason: string,
  done: () => void,
) {
  return useFormAction(async () => {
    await api.post(
      `/api/agreements/${id}/${action}`,
      action === 'suspend' || action === 'terminate' ? { reason } : {},
    );
    done();
  });
}

export default function AgreementPage({ id }: { id: string }) {
  const { t, formatDay, formatList, maybe } = useI18n();
  const account = useAccount();
  const purposeTitle = usePurposeTitle();
  const dictionary = useDictionary();
  const agreement = useLoad(() => api.get<Agreement>(`/api/agreements/${id}`), [id]);
  const { notice, show } = useNotice();
  const [reason, setReason] = useState('');
  const approve = useAgreementAction(id, 'approve', reason, () => {
    setReason('');
    show(`sharing.agreement.done.approve`);
    agreement.reload();
  });
  const suspend = useAgreementAction(id, 'suspend', reason, () => {
    setReason('');
    show(`sharing.agreement.done.suspend`);
    agreement.reload();
  });
  const resume = useAgreementAction(id, 'resume', reason, () => {
    setReason('');
    show(`sharing.agreement.done.resume`);
    agreement.reload();
  });
  const terminate = useAgreementAction(id, 'terminate', reason, () => {
    setReason('');
    show(`sharing.agreement.done.terminate`);
    agreement.reload();
  });
  const a = agreement.data;
  if (!a) return agreement.error ? <ErrorAlert error={agreement.error} /> : <Loading />;
  const label = (name: string) =>
    maybe(`field.${name}`) ?? dictionary.data?.fields.find((f) => f.name === name)?.label ?? name;
  const isDpo = account.role === 'dpo';
  const canSuspend = (isDpo || account.role === 'admin') && a.state === 'approved';
  const canTerminate = isDpo && a.state !== 'terminated';
  const ownProposal = a.proposedBy === account.id;
  return (
    <div>
      <PageHeading>{t('sharing.agreement.title', { name: a.title })}</PageHeading>
      <p className="subtitle">
        <AgreementStatusTag status={a.status} />{' '}
        <Link to={`/sharing/partners/${a.partnerId}`}>
          <span dir="auto">{a.partnerName}</span>
        </Link>
      </p>
      {notice}
      <ErrorAlert error={approve.error ?? suspend.error ?? resume.error ?? terminate.error} />
      <dl className="facts">
        <dt>{t('sharing.agreement.purposes')}</dt>
        <dd>{formatList(a.purposes.map((p) => purposeTitle(p)))}</dd>
        <dt>{t('sharing.agreement.fields')}</dt>
        <dd>{formatList(a.fields.map(label))}</dd>
        <dt>{t('sharing.agreement.legalBasis')}</dt>
        <dd>{t(`basis.${a.legalBasis}`)}</dd>
        <dt>{t('sharing.agreement.period')}</dt>
        <dd>{t('processors.period', { from: formatDay(a.startsOn), to: formatDay(a.endsOn) })}</dd>
        <dt>{t('sharing.agreement.retention')}</dt>
        <dd dir="ltr">{a.partnerRetention}</dd>
        <dt>{t('sharing.agreement.onward')}</dt>
        <dd dir="auto">
          {a.onwardSharingBanned
            ? t('sharing.agreement.onwardBanned')
            : t('sharing.agreement.onwardAllowed', { reason: a.onwardSharingReason ?? '' })}
        </dd>
        <dt>{t('sharing.agreement.dpias')}</dt>
        <dd>
          {a.dpias
            ? a.dpias.map((d) => (
                <span key={d.id} className="contact">
                  <Link to={`/governance/dpias/${d.id}`}>
                    {t('sharing.agreement.dpia', {
                      purpose: purposeTitle(d.purpose),
                      version: d.version,
                      day: formatDay(d.reviewDate),
                    })}
                  </Link>
                </span>
              ))
            : t('sharing.agreement.dpiasAtApproval')}
        </dd>
        <dt>{t('sharing.agreement.proposed')}</dt>
        <dd>{formatDay(a.proposedAt.slice(0, 10))}</dd>
        {a.approvedAt ? (
          <>
            <dt>{t('sharing.agreement.approved')}</dt>
            <dd>{formatDay(a.approvedAt.slice(0, 10))}</dd>
          </>
        ) : null}
        {a.suspensionReason ? (
          <>
            <dt>{t('sharing.agreement.suspensionReason')}</dt>
            <dd dir="auto">{a.suspensionReason}</dd>
          </>
        ) : null}
        {a.terminationReason ? (
          <>
            <dt>{t('sharing.agreement.terminationReason')}</dt>
            <dd dir="auto">{a.terminationReason}</dd>
          </>
        ) : null}
      </dl>

      {isDpo && a.state === 'proposed' ? (
        <section aria-labelledby="agreement-approve">
          <h2 id="agreement-approve">{t('sharing.agreement.decide')}</h2>
          {ownProposal ? (
            <p>{t('sharing.agreement.ownProposal')}</p>
          ) : (
            <Button busy={approve.busy} onClick={() => approve.submit()}>
              {t('sharing.agreement.approve')}
            </Button>
          )}
        </section>
      ) : null}
      {isDpo && a.state === 'suspended' ? (
        <Button busy={resume.busy} onClick={() => resume.submit()}>
          {t('sharing.agreement.resume')}
        </Button>
      ) : null}
      {canSuspend || canTerminate ? (
        <section aria-labelledby="agreement-stop">
          <h2 id="agreement-stop">{t('sharing.agreement.stop')}</h2>
          <TextAreaField
            label={t('sharing.agreement.reason')}
            hint={t('sharing.agreement.reasonHint')}
            value={reason}
            onChange={setReason}
            required
            maxLength={2000}
          />
          <div className="actions">
            {canSuspend ? (
              <Button variant="secondary" busy={suspend.busy} onClick={() => suspend.submit()}>
                {t('sharing.agreement.suspend')}
              </Button>
            ) : null}
            {canTerminate ? (
              <Button variant="danger" busy={terminate.busy} onClick={() => terminate.submit()}>
                {t('sharing.agreement.terminate')}
              </Button>
            ) : null}
          </div>
        </section>
      ) : null}

      <OptionalSection<{ releases: { id: string; releasedAt: string; people: number }[] }>
        path={`/api/agreements/${id}/releases`}
        title={t('sharing.releases.title')}
      >
        {(data) =>
          data.releases.length === 0 ? (
            <p>{t('sharing.releases.none')}</p>
          ) : (
            <ul>
              {data.releases.map((r) => (
                <li key={r.id}>
                  {formatDay(r.releasedAt.slice(0, 10))} · {t('sharing.releases.people', { count: r.people })}
                </li>
              ))}
            </ul>
          )
        }
      </OptionalSection>
    </div>
  );
}
