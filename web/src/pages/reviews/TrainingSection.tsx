/**
 * Data-protection training (ACC-7): who has it current, expired or missing — first those whose tier 3–4 or
 * break-glass needs it. The DPO and administrators record a completed course; administrators also make trained
 * caseworkers and supervisors eligible for break-glass (re-authenticated) and choose who reviews each account.
 */
import { useState } from 'react';
import {
  grantBreakGlass,
  recordTraining,
  type StaffTraining,
  setReviewer,
  staffTraining,
} from '../../api/reviews.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Button, ErrorAlert, FormField, Loading, TextField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, today, useFieldErrors } from '../governance/common.tsx';
import { addDays } from './GrantsSection.tsx';

const stateTag = { current: 'good', expired: 'bad', missing: 'warn' } as const;

export function TrainingSection({ canRecord, administers }: { canRecord: boolean; administers: boolean }) {
  const { t } = useI18n();
  const loaded = useLoad(staffTraining, []);
  const [done, setDone] = useState<{ message: string; account: string } | null>(null);
  // Those whose grants need training and lack it first.
  const staff = [...(loaded.data?.staff ?? [])].sort(
    (a, b) =>
      Number(b.needed && b.state !== 'current') - Number(a.needed && a.state !== 'current') ||
      a.account.localeCompare(b.account),
  );
  const reviewers = staff.filter((s) => s.role === 'supervisor' || s.role === 'dpo');
  const changed = (message: string, account: string) => {
    setDone({ message, account });
    loaded.reload();
  };
  return (
    <section aria-labelledby="training">
      <h2 id="training">{t('reviews.training.title')}</h2>
      <p>{t('reviews.training.explain')}</p>
      <div role="status">
        {done ? <p className="alert alert-success">{t(done.message, { account: done.account })}</p> : null}
      </div>
      <ErrorAlert error={loaded.error} />
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data && staff.length === 0 ? <p>{t('reviews.training.none')}</p> : null}
      {staff.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('reviews.training.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reviews.training.staff')}</th>
                <th scope="col">{t('reviews.training.course')}</th>
                <th scope="col">{t('reviews.training.expires')}</th>
                <th scope="col">{t('reviews.training.state')}</th>
                {administers ? <th scope="col">{t('reviews.training.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <TrainingRow
                  key={s.accountId}
                  staff={s}
                  administers={administers}
                  reviewers={reviewers.filter((r) => r.accountId !== s.accountId)}
                  onChanged={changed}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canRecord && staff.length > 0 ? (
        <RecordTraining
          staff={staff}
          onRecorded={(account) => changed('reviews.training.recorded', account)}
        />
      ) : null}
    </section>
  );
}

function TrainingRow({
  staff: s,
  administers,
  reviewers,
  onChanged,
}: {
  staff: StaffTraining;
  administers: boolean;
  reviewers: StaffTraining[];
  onChanged(message: string, account: string): void;
}) {
  const { t, maybe, formatDay } = useI18n();
  const eligible = useFormAction(async () => {
    await grantBreakGlass(s.accountId);
    onChanged('reviews.training.eligible', s.account);
  });
  const [reviewerError, setReviewerError] = useState<unknown>();
  const chooseReviewer = async (reviewerId: string) => {
    setReviewerError(undefined);
    try {
      await setReviewer(s.accountId, reviewerId || null);
      onChanged('reviews.training.reviewerSet', s.account);
    } catch (e) {
      setReviewerError(e);
    }
  };
  return (
    <tr>
      <td>
        <span dir="ltr">{s.account}</span>
        <br />
        {t('reviews.training.roleTier', { role: maybe(`role.${s.role}`) ?? s.role, tier: s.tier })}
      </td>
      <td>{s.latest ? <span dir="auto">{s.latest.course}</span> : null}</td>
      <td>{s.latest ? formatDay(s.latest.expiresOn) : null}</td>
      <td>
        <Tag kind={stateTag[s.state]}>{t(`reviews.training.state.${s.state}`)}</Tag>
        {s.needed && s.state !== 'current' ? (
          <>
            {' '}
            <Tag kind="bad">{t('reviews.training.needed')}</Tag>
          </>
        ) : null}
      </td>
      {administers ? (
        <td>
          {s.role === 'caseworker' || s.role === 'supervisor' ? (
            <Button
              variant="secondary"
              busy={eligible.busy}
              aria-label={t('reviews.training.makeEligibleOf', { account: s.account })}
              onClick={() => void eligible.submit()}
            >
              {t('reviews.training.makeEligible')}
            </Button>
          ) : null}
          <ErrorAlert error={eligible.error} />
          <FormField label={t('reviews.training.reviewer')} error={undefined}>
            {({ id }) => (
              <select
                id={id}
                aria-label={t('reviews.training.reviewerOf', { account: s.account })}
                value={s.reviewerId ?? ''}
                onChange={(e) => void chooseReviewer(e.target.value)}
              >
                <option value="">{t('reviews.training.reviewerDpo')}</option>
                {reviewers.map((r) => (
                  <option key={r.accountId} value={r.accountId}>
                    {r.account}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <ErrorAlert error={reviewerError} />
        </td>
      ) : null}
    </tr>
  );
}

function RecordTraining({
  staff,
  onRecorded,
}: {
  staff: StaffTraining[];
  onRecorded(account: string): void;
}) {
  const { t } = useI18n();
  const [accountId, setAccountId] = useState('');
  const [course, setCourse] = useState('');
  const [completedOn, setCompletedOn] = useState(today());
  const [expiresOn, setExpiresOn] = useState(addDays(today(), 365));
  const record = useFormAction(async () => {
    await recordTraining({ accountId, course, completedOn, expiresOn });
    onRecorded(staff.find((s) => s.accountId === accountId)?.account ?? '');
    setCourse('');
  });
  const fieldError = useFieldErrors(record.error);
  return (
    <form onSubmit={(e) => void record.submit(e)} aria-labelledby="record-training">
      <h3 id="record-training">{t('reviews.training.record')}</h3>
      <FormField label={t('reviews.training.staff')} required>
        {({ id, describedBy }) => (
          <select
            id={id}
            aria-describedby={describedBy}
            required
            value={accountId}
            onChange={(e) => setAccountId(e.target.value)}
          >
            <option value="">{t('form.choose')}</option>
            {staff.map((s) => (
              <option key={s.accountId} value={s.accountId}>
                {s.account}
              </option>
            ))}
          </select>
        )}
      </FormField>
      <TextField
        label={t('reviews.training.course')}
        required
        maxLength={200}
        dir="auto"
        value={course}
        onChange={setCourse}
        error={fieldError('course')}
      />
      <TextField
        label={t('reviews.training.completed')}
        type="date"
        required
        value={completedOn}
        onChange={setCompletedOn}
        error={fieldError('completedOn')}
      />
      <TextField
        label={t('reviews.training.expires')}
        type="date"
        required
        value={expiresOn}
        onChange={setExpiresOn}
        error={fieldError('expiresOn')}
      />
      <ErrorAlert error={record.error} />
      <div className="actions">
        <Button type="submit" busy={record.busy}>
          {t('reviews.training.recordButton')}
        </Button>
      </div>
    </form>
  );
}
