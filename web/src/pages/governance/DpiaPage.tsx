/**
 * One DPIA (GOV-2, PUR-6): its versions, what Haven knows of the processing, the draft its author writes and
 * submits, the DPO's decision (approve with an opinion, or reject with a note that returns it to its author —
 * never by the author, ACC-6), a revision for the next review, and a printable copy.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { DpiaDetail, DpiaVersion } from '../../api/governance.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, Notice, PageHeading, TextAreaField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { DpiaStatusTag, useFieldErrors, useNotice, usePurposeTitle } from './common.tsx';
import { DpiaDocument, ProcessingContext } from './DpiaDocument.tsx';
import { DpiaEditor } from './DpiaEditor.tsx';

const AUTHORS = ['supervisor', 'dpo', 'admin'];

export default function DpiaPage({ id }: { id: string }) {
  const { t } = useI18n();
  const account = useAccount();
  const purposeTitle = usePurposeTitle();
  const detail = useLoad(() => api.get<DpiaDetail>(`/api/dpias/${encodeURIComponent(id)}`), [id]);
  const [shown, setShown] = useState<number | null>(null);
  const { notice, show } = useNotice();
  const versions = detail.data?.versions ?? [];
  const latest = versions[0];
  const version = versions.find((v) => v.version === shown) ?? latest;
  const purpose = latest ? purposeTitle(latest.subject, detail.data?.context.title) : '';
  const changed = (id: string) => {
    show(id);
    setShown(null);
    detail.reload();
  };

  const revise = useFormAction(async () => {
    await api.post(`/api/dpias/${encodeURIComponent(id)}/revise`);
    changed('dpia.revised');
  });

  const mine = version?.author === account.id;
  const editing = version === latest && version?.status === 'draft' && mine;
  const deciding = version === latest && version?.status === 'submitted' && account.role === 'dpo' && !mine;
  const canRevise =
    AUTHORS.includes(account.role) &&
    latest !== undefined &&
    !['draft', 'submitted'].includes(latest.status) &&
    version === latest;

  return (
    <div>
      <p className="no-print">
        <Link to="/governance/dpias">{t('dpia.back')}</Link>
      </p>
      <PageHeading>{purpose ? t('dpia.title', { purpose }) : t('dpias.title')}</PageHeading>
      {notice}
      <ErrorAlert error={detail.error ?? revise.error} />
      {detail.loading && !detail.data ? <Loading /> : null}
      {version && detail.data ? (
        <>
          <p className="subtitle">
            {t('dpia.versionN', { version: version.version })} <DpiaStatusTag status={version.status} />{' '}
            {mine ? t('dpia.yours') : null}
          </p>
          <div className="actions no-print">
            <Button variant="secondary" onClick={() => window.print()}>
              {t('dpia.print')}
            </Button>
            {canRevise ? (
              <Button variant="secondary" busy={revise.busy} onClick={() => void revise.submit()}>
                {t('dpia.revise')}
              </Button>
            ) : null}
          </div>
          <StatusExplanation version={version} mine={mine} isLatest={version === latest} />
          {editing ? (
            <>
              <DpiaEditor key={`${version.id}-${version.version}`} version={version} onChanged={changed} />
              <div className="print-only">
                <DpiaDocument version={version} purpose={purpose} />
              </div>
            </>
          ) : (
            <DpiaDocument version={version} purpose={purpose} />
          )}
          {deciding ? <Decision version={version} onDecided={changed} /> : null}
          <ProcessingContext context={detail.data.context} />
          <Versions versions={versions} shown={version.version} onShow={setShown} />
        </>
      ) : null}
    </div>
  );
}

function StatusExplanation({
  version,
  mine,
  isLatest,
}: {
  version: DpiaVersion;
  mine: boolean;
  isLatest: boolean;
}) {
  const { t } = useI18n();
  let text: string | null = null;
  if (!isLatest) text = t('dpia.olderVersion');
  else if (version.status === 'draft') text = mine ? null : t('dpia.draftOfOther');
  else if (version.status === 'submitted') text = mine ? t('dpia.waitingForDpo') : null;
  else if (version.status === 'rejected') text = t('dpia.returned');
  if (!text) return null;
  return <Notice kind={version.status === 'rejected' && isLatest ? 'warning' : 'info'}>{text}</Notice>;
}

/** The DPO's decision: approve with the DPO's opinion (GDPR 35(2)), or reject with a note for its author. */
function Decision({ version, onDecided }: { version: DpiaVersion; onDecided(id: string): void }) {
  const { t } = useI18n();
  const [opinion, setOpinion] = useState('');
  const [note, setNote] = useState('');
  const path = `/api/dpias/${version.id}/versions/${version.version}`;
  const approve = useFormAction(async () => {
    await api.post(`${path}/approve`, { opinion });
    onDecided('dpia.approved');
  });
  const reject = useFormAction(async () => {
    await api.post(`${path}/reject`, { note });
    onDecided('dpia.rejected');
  });
  const approveField = useFieldErrors(approve.error);
  const rejectField = useFieldErrors(reject.error);
  return (
    <section aria-labelledby="dpia-decision" className="card decision no-print">
      <h2 id="dpia-decision">{t('dpia.decide')}</h2>
      <p className="hint">{t('dpia.decideExplain')}</p>
      <form onSubmit={(e) => void approve.submit(e)} noValidate>
        <TextAreaField
          label={t('dpia.opinion')}
          hint={t('dpia.opinionHint')}
          rows={4}
          required
          value={opinion}
          onChange={setOpinion}
          error={approveField('opinion')}
        />
        <ErrorAlert error={approve.error} />
        <Button type="submit" busy={approve.busy}>
          {t('dpia.approve')}
        </Button>
      </form>
      <form onSubmit={(e) => void reject.submit(e)} noValidate>
        <TextAreaField
          label={t('dpia.note')}
          hint={t('dpia.noteHint')}
          rows={3}
          required
          value={note}
          onChange={setNote}
          error={rejectField('note')}
        />
        <ErrorAlert error={reject.error} />
        <Button type="submit" variant="danger" busy={reject.busy}>
          {t('dpia.reject')}
        </Button>
      </form>
    </section>
  );
}

function Versions({
  versions,
  shown,
  onShow,
}: {
  versions: DpiaVersion[];
  shown: number;
  onShow(version: number): void;
}) {
  const { t, formatDate, formatDay } = useI18n();
  return (
    <section aria-labelledby="dpia-versions" className="no-print">
      <h2 id="dpia-versions">{t('dpia.versions')}</h2>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">{t('dpia.versions')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dpia.version')}</th>
              <th scope="col">{t('purposes.status')}</th>
              <th scope="col">{t('dpia.created')}</th>
              <th scope="col">{t('dpia.decided')}</th>
              <th scope="col">{t('dpia.reviewDate')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} aria-current={v.version === shown ? 'true' : undefined}>
                <th scope="row">
                  {v.version === shown ? (
                    t('dpia.versionN', { version: v.version })
                  ) : (
                    <Button
                      variant="secondary"
                      className="button button-secondary button-small"
                      onClick={() => onShow(v.version)}
                    >
                      {t('dpia.show', { version: v.version })}
                    </Button>
                  )}
                </th>
                <td>
                  <DpiaStatusTag status={v.status} />
                </td>
                <td>{formatDate(v.createdAt)}</td>
                <td>{v.decidedAt ? formatDate(v.decidedAt) : '—'}</td>
                <td>
                  {v.reviewDate
                    ? formatDay(v.reviewDate)
                    : v.content.reviewDate
                      ? formatDay(v.content.reviewDate)
                      : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
