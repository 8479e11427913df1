/**
 * Legal holds in a table (RET-1, ACC-6), shared by the person page and the retention page: each hold's state, reason,
 * what it keeps, until when, who placed and approved or released it; approving one placed by someone else, and on
 * the person page releasing one with a reason. Approving and releasing ask for the password again (ACC-4): the app's
 * re-authentication dialog answers that and the step is retried.
 */
import { useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import {
  approveLegalHold,
  HOLD_NOTE_MAX,
  type HoldState,
  type LegalHold,
  PENDING_HOLD_DAYS,
  RELEASE_REASONS,
  type ReleaseReason,
  releaseLegalHold,
} from '../../api/legal-holds.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import type { Colleague } from '../../components/NoticeAndBasis.tsx';
import { Button, Dialog, ErrorAlert, FormField, TextAreaField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag } from '../governance/common.tsx';

/** A short, stable reference to a hold or person (its id's first 8 characters). */
export const holdRef = (id: string) => id.slice(0, 8);

/** What a step did, kept as message and hold, not text: a language switch translates it too. */
export interface HoldStepDone {
  message: 'legalHolds.placed' | 'legalHolds.approved' | 'legalHolds.released';
  hold: LegalHold;
}

/** Open holds may still be approved (pending only) or released (pending or active). */
const open = (state: HoldState) => state === 'pending' || state === 'active';

/** The last day a pending hold can be approved: it lapses the day after (src/domain/retention/legal-holds.ts). */
export const lapsesAfter = (placedOn: string) => {
  const day = new Date(`${placedOn}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + PENDING_HOLD_DAYS);
  return day.toISOString().slice(0, 10);
};

/** A step whose re-authentication was cancelled (ReauthDialog) is no failure to show. */
const cancelled = (error: unknown) =>
  error instanceof Error && !(error instanceof ApiError) && error.message === 'cancelled';

/** A hold's reasons and what it keeps, in words. */
/** A required choice among reason codes, in words: the reason to place a hold, or to release one. */
export function ReasonSelect<T extends string>(props: {
  label: string;
  error: string | undefined;
  codes: readonly T[];
  value: T | '';
  onChange: (value: T | '') => void;
  words: (code: T) => string;
}) {
  const { t } = useI18n();
  return (
    <FormField label={props.label} error={props.error} required>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          required
          value={props.value}
          onChange={(e) => props.onChange(e.target.value as T | '')}
        >
          <option value="">{t('form.choose')}</option>
          {props.codes.map((code) => (
            <option key={code} value={code}>
              {props.words(code)}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}

export function useHoldWords() {
  const { t, maybe, formatList } = useI18n();
  return {
    reason: (code: string) => maybe(`legalHolds.reason.${code}`) ?? code,
    release: (code: string) => maybe(`legalHolds.releaseReason.${code}`) ?? code,
    keeps: (categories: string[] | null) =>
      categories === null
        ? t('legalHolds.everything')
        : formatList(categories.map((c) => maybe(`category.${c}`) ?? c)),
  };
}

/**
 * Who took a step: the reader as "you", a colleague by their email (isolated left to right, so that it reads whole
 * in an Arabic sentence), an account no longer active by its reference.
 */
function useWho() {
  const { t } = useI18n();
  const account = useAccount();
  const staff = useLoad(() => api.get<{ staff: Colleague[] }>('/api/staff').then((r) => r.staff), []);
  const ltr = (text: string) => `\u2066${text}\u2069`;
  return (accountId: string) => {
    if (accountId === account.id) return t('legalHolds.you');
    if (!staff.data) return ltr(holdRef(accountId));
    const email = staff.data.find((s) => s.id === accountId)?.email;
    return email ? ltr(email) : t('legalHolds.colleague', { ref: ltr(holdRef(accountId)) });
  };
}

const STATE_TAG = {
  pending: 'warn',
  active: 'good',
  lapsed: 'plain',
  expired: 'plain',
  released: 'plain',
} as const;

export function HoldTable({
  holds,
  caption,
  withPerson = false,
  canRelease = false,
  onDone,
}: {
  holds: LegalHold[];
  caption: string;
  /** On the retention page: a column with the person, linking to their page. */
  withPerson?: boolean;
  /** On the person page: a release button on each open hold. */
  canRelease?: boolean;
  onDone(done: HoldStepDone): void;
}) {
  const { t, formatDay, formatDate } = useI18n();
  const words = useHoldWords();
  const who = useWho();
  const account = useAccount();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<string | null>(null);
  const [releasing, setReleasing] = useState<LegalHold | null>(null);

  const approve = async (hold: LegalHold) => {
    setError(undefined);
    setBusy(hold.id);
    try {
      onDone({ message: 'legalHolds.approved', hold: await approveLegalHold(hold.id) });
    } catch (e) {
      if (!cancelled(e)) setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <ErrorAlert error={error} />
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t('legalHolds.col.hold')}</th>
              {withPerson ? <th scope="col">{t('legalHolds.col.person')}</th> : null}
              <th scope="col">{t('legalHolds.col.state')}</th>
              <th scope="col">{t('legalHolds.col.reason')}</th>
              <th scope="col">{t('legalHolds.col.keeps')}</th>
              <th scope="col">{t('legalHolds.col.until')}</th>
              <th scope="col">{t('legalHolds.col.placed')}</th>
              <th scope="col">{t('legalHolds.col.decided')}</th>
              <th scope="col">{t('legalHolds.col.action')}</th>
            </tr>
          </thead>
          <tbody>
            {holds.map((h) => (
              <tr key={h.id}>
                <th scope="row">{t('legalHolds.holdRef', { ref: holdRef(h.id) })}</th>
                {withPerson ? (
                  <td>
                    <Link to={`/persons/${h.personId}`}>
                      {t('legalHolds.personRef', { ref: holdRef(h.personId) })}
                    </Link>
                  </td>
                ) : null}
                <td>
                  <Tag kind={STATE_TAG[h.state]}>{t(`legalHolds.state.${h.state}`)}</Tag>
                  {h.state === 'pending' ? (
                    <span className="subtle">
                      {t('legalHolds.lapsesAfter', { day: formatDay(lapsesAfter(h.placedOn)) })}
                    </span>
                  ) : null}
                </td>
                <td>{words.reason(h.reason)}</td>
                <td>{words.keeps(h.categories)}</td>
                <td>{h.untilOn ? formatDay(h.untilOn) : t('legalHolds.untilReleased')}</td>
                <td>{t('legalHolds.by', { day: formatDay(h.placedOn), who: who(h.placedBy) })}</td>
                <td>
                  {h.approvedBy && h.approvedAt ? (
                    <span>
                      {t('legalHolds.approvedBy', {
                        day: formatDate(h.approvedAt, false),
                        who: who(h.approvedBy),
                      })}
                    </span>
                  ) : (
                    <span>{t('legalHolds.notApproved')}</span>
                  )}
                  {h.releasedBy && h.releasedAt ? (
                    <span className="subtle">
                      {t('legalHolds.releasedBy', {
                        day: formatDate(h.releasedAt, false),
                        who: who(h.releasedBy),
                        reason: words.release(h.releaseReason ?? 'other'),
                      })}
                    </span>
                  ) : null}
                </td>
                <td>
                  {h.state === 'pending' && h.placedBy === account.id ? (
                    <p className="subtle">{t('legalHolds.ownHold')}</p>
                  ) : null}
                  <div className="actions">
                    {h.state === 'pending' && h.placedBy !== account.id ? (
                      <Button busy={busy === h.id} onClick={() => void approve(h)}>
                        {t('legalHolds.approve', { ref: holdRef(h.id) })}
                      </Button>
                    ) : null}
                    {canRelease && open(h.state) ? (
                      <Button variant="secondary" onClick={() => setReleasing(h)}>
                        {t('legalHolds.release', { ref: holdRef(h.id) })}
                      </Button>
                    ) : null}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canRelease ? (
        <ReleaseDialog
          hold={releasing}
          onClose={() => setReleasing(null)}
          onReleased={(hold) => {
            setReleasing(null);
            onDone({ message: 'legalHolds.released', hold });
          }}
        />
      ) : null}
    </>
  );
}

/** RET-1: an early release, with a listed reason, and words for "other". */
function ReleaseDialog({
  hold,
  onClose,
  onReleased,
}: {
  hold: LegalHold | null;
  onClose(): void;
  onReleased(hold: LegalHold): void;
}) {
  const { t } = useI18n();
  const words = useHoldWords();
  const [reason, setReason] = useState<ReleaseReason | ''>('');
  const [note, setNote] = useState('');
  // Message ids, not text: a language switch translates them too.
  const [problems, setProblems] = useState<{ reason?: string; note?: string }>({});
  const said = (id: string | undefined) => (id ? t(id) : undefined);
  const release = useFormAction(async () => {
    if (!hold) return;
    const found = {
      ...(reason === '' ? { reason: 'legalHolds.reasonRequired' } : {}),
      ...(reason === 'other' && note.trim() === '' ? { note: 'legalHolds.noteRequired' } : {}),
    };
    setProblems(found);
    if (reason === '' || found.note) return;
    try {
      const released = await releaseLegalHold(hold.id, {
        reason,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      setReason('');
      setNote('');
      onReleased(released);
    } catch (e) {
      if (cancelled(e)) return;
      if (e instanceof ApiError && e.code === 'legal-hold-note-required') {
        setProblems({ note: 'legalHolds.noteRequired' });
        return;
      }
      throw e;
    }
  });

  const close = () => {
    setReason('');
    setNote('');
    setProblems({});
    release.setError(undefined);
    onClose();
  };
  // A refused submit puts the focus on the first field to fix.
  const form = useRef<HTMLFormElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each refused submit sets new problems, and focuses again.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [problems]);

  return (
    <Dialog
      title={hold ? t('legalHolds.releaseTitle', { ref: holdRef(hold.id) }) : ''}
      open={hold !== null}
      onClose={close}
    >
      <p>{t('legalHolds.releaseExplain')}</p>
      {hold ? (
        <p>
          {t('legalHolds.releaseWhich', {
            reason: words.reason(hold.reason),
            keeps: words.keeps(hold.categories),
          })}
        </p>
      ) : null}
      <ErrorAlert error={release.error} />
      <form ref={form} onSubmit={release.submit} noValidate>
        <ReasonSelect
          label={t('legalHolds.releaseReason')}
          error={said(problems.reason)}
          codes={RELEASE_REASONS}
          value={reason}
          onChange={setReason}
          words={words.release}
        />
        <TextAreaField
          label={t('legalHolds.releaseNote')}
          hint={t('legalHolds.releaseNoteHint')}
          error={said(problems.note)}
          required={reason === 'other'}
          maxLength={HOLD_NOTE_MAX}
          value={note}
          onChange={setNote}
        />
        <div className="actions">
          <Button type="submit" variant="danger" busy={release.busy}>
            {t('legalHolds.releaseConfirm')}
          </Button>
          <Button variant="secondary" onClick={close}>
            {t('common.cancel')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
