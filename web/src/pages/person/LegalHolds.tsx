/**
 * RET-1, ACC-6: the legal holds on this person, for supervisors and the DPO — what each keeps and until when, who
 * placed and approved it — and placing one: a listed reason, words (required for "other"), an optional last day,
 * and everything of the person or only some categories of their data. A second supervisor or the DPO approves it;
 * anyone of them may release it with a reason. Every step is a ledger event under the gate's legal-hold purpose.
 */
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { CATEGORIES } from '../../api/governance.ts';
import {
  HOLD_NOTE_MAX,
  HOLD_REASONS,
  type HoldReason,
  listLegalHolds,
  PENDING_HOLD_DAYS,
  placeLegalHold,
} from '../../api/legal-holds.ts';
import type { Dictionary } from '../../api/types.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Button, ErrorAlert, FormField, Loading, TextAreaField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { today } from '../governance/common.tsx';
import {
  type HoldStepDone,
  HoldTable,
  holdRef,
  lapsesAfter,
  ReasonSelect,
  useHoldWords,
} from './HoldTable.tsx';

export function LegalHolds({ personId, dictionary }: { personId: string; dictionary: Dictionary }) {
  const { t, formatNumber } = useI18n();
  // No list per person: the organisation's, filtered here (supervisors and the DPO may read it all).
  const holds = useLoad(
    () => listLegalHolds().then((all) => all.filter((h) => h.personId === personId)),
    [personId],
  );
  const [done, setDone] = useState<HoldStepDone | null>(null);
  const [placing, setPlacing] = useState(false);
  // Once the form closes, the focus goes back to the button that opened it (WCAG 2.4.3).
  const opener = useRef<HTMLDivElement>(null);
  const [closed, setClosed] = useState(false);
  useEffect(() => {
    if (closed && !placing) opener.current?.querySelector('button')?.focus();
  }, [closed, placing]);
  const close = () => {
    setPlacing(false);
    setClosed(true);
  };
  const stepped = (step: HoldStepDone) => {
    setDone(step);
    holds.reload();
  };
  // Only the categories this organisation's dictionary records, in the dictionary's order.
  const recorded = new Set(dictionary.fields.map((f) => f.category));
  const categories = CATEGORIES.filter((c) => recorded.has(c));

  return (
    <section aria-labelledby="legal-holds-heading" id="legal-holds">
      <h2 id="legal-holds-heading">{t('legalHolds.title')}</h2>
      <p>{t('legalHolds.explain', { days: formatNumber(PENDING_HOLD_DAYS) })}</p>
      {/* One live region, there from the start, so that each step is announced. */}
      <div role="status">{done ? <Done done={done} /> : null}</div>
      <ErrorAlert error={holds.error} />
      {holds.loading && !holds.data ? <Loading /> : null}
      {holds.data ? (
        holds.data.length === 0 ? (
          <p>{t('legalHolds.none')}</p>
        ) : (
          <HoldTable holds={holds.data} caption={t('legalHolds.caption')} canRelease onDone={stepped} />
        )
      ) : null}
      {placing ? (
        <PlaceHold
          personId={personId}
          categories={categories}
          onCancel={close}
          onPlaced={(step) => {
            close();
            stepped(step);
          }}
        />
      ) : (
        <div className="actions" ref={opener}>
          <Button
            variant="secondary"
            onClick={() => {
              setDone(null);
              setClosed(false);
              setPlacing(true);
            }}
          >
            {t('legalHolds.place.open')}
          </Button>
        </div>
      )}
    </section>
  );
}

/** What the last step did, in the language on screen. */
export function Done({ done }: { done: HoldStepDone }) {
  const { t, formatDay } = useI18n();
  const { hold } = done;
  return (
    <p className="alert alert-success">
      {t(done.message, {
        ref: holdRef(hold.id),
        day: formatDay(lapsesAfter(hold.placedOn)),
        until: hold.untilOn ? formatDay(hold.untilOn) : t('legalHolds.untilReleased'),
      })}
    </p>
  );
}

/** Each field's problem as a message id, not text: a language switch translates it too. */
type Problems = Partial<Record<'reason' | 'until' | 'note' | 'categories', string>>;

/** The codes of the gate's refusals that belong to one field of the form (src/domain/retention/legal-holds.ts). */
const FIELD_OF: Record<string, keyof Problems> = {
  'legal-hold-reason-invalid': 'reason',
  'legal-hold-until-invalid': 'until',
  'legal-hold-note-required': 'note',
  'legal-hold-note-invalid': 'note',
  'legal-hold-categories-invalid': 'categories',
};

function PlaceHold({
  personId,
  categories,
  onCancel,
  onPlaced,
}: {
  personId: string;
  categories: string[];
  onCancel(): void;
  onPlaced(done: HoldStepDone): void;
}) {
  const { t } = useI18n();
  const words = useHoldWords();
  const [reason, setReason] = useState<HoldReason | ''>('');
  const [until, setUntil] = useState('');
  const [note, setNote] = useState('');
  const [scope, setScope] = useState<'everything' | 'some'>('everything');
  const [chosen, setChosen] = useState<string[]>([]);
  const [problems, setProblems] = useState<Problems>({});
  const said = (id: string | undefined) => (id ? t(id) : undefined);
  const form = useRef<HTMLFormElement>(null);
  // Opened, the form takes the focus at its first field.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('select')?.focus();
  }, []);
  // A refused submit puts the focus on the first field to fix.
  // biome-ignore lint/correctness/useExhaustiveDependencies: each refused submit sets new problems, and focuses again.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [problems]);

  const place = useFormAction(async () => {
    const found: Problems = {};
    if (reason === '') found.reason = 'legalHolds.reasonRequired';
    if (until !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(until)) found.until = 'legalHolds.untilInvalid';
    else if (until !== '' && until < today()) found.until = 'legalHolds.untilPast';
    if (reason === 'other' && note.trim() === '') found.note = 'legalHolds.noteRequired';
    if (scope === 'some' && chosen.length === 0) found.categories = 'legalHolds.categoriesRequired';
    setProblems(found);
    if (reason === '' || Object.keys(found).length > 0) return;
    try {
      const hold = await placeLegalHold(personId, {
        reason,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(until ? { until } : {}),
        ...(scope === 'some' ? { categories: chosen } : {}),
      });
      onPlaced({ message: 'legalHolds.placed', hold });
    } catch (e) {
      const field = e instanceof ApiError ? fieldOf(e) : undefined;
      if (!field) throw e;
      const tooLong = (e as ApiError).code === 'legal-hold-note-invalid';
      setProblems({ [field]: tooLong ? 'legalHolds.noteInvalid' : PROBLEM_TEXT[field] });
    }
  });

  const toggle = (category: string, on: boolean) =>
    setChosen((list) =>
      on ? categories.filter((c) => c === category || list.includes(c)) : list.filter((c) => c !== category),
    );

  return (
    <form ref={form} onSubmit={place.submit} noValidate aria-labelledby="place-hold-heading">
      <h3 id="place-hold-heading">{t('legalHolds.place.title')}</h3>
      <p>{t('legalHolds.place.explain')}</p>
      <ReasonSelect
        label={t('legalHolds.place.reason')}
        error={said(problems.reason)}
        codes={HOLD_REASONS}
        value={reason}
        onChange={setReason}
        words={words.reason}
      />
      <TextAreaField
        label={t('legalHolds.place.note')}
        hint={t('legalHolds.place.noteHint')}
        error={said(problems.note)}
        required={reason === 'other'}
        maxLength={HOLD_NOTE_MAX}
        value={note}
        onChange={setNote}
      />
      <FormField
        label={t('legalHolds.place.until')}
        hint={t('legalHolds.place.untilHint')}
        error={said(problems.until)}
      >
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            type="date"
            dir="ltr"
            min={today()}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            value={until}
            onChange={(e) => setUntil(e.target.value)}
          />
        )}
      </FormField>
      <Scope
        scope={scope}
        onScope={setScope}
        categories={categories}
        chosen={chosen}
        onToggle={toggle}
        error={said(problems.categories)}
      />
      <ErrorAlert error={place.error} />
      <div className="actions">
        <Button type="submit" busy={place.busy}>
          {t('legalHolds.place.submit')}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </Button>
      </div>
    </form>
  );
}

/** What is said under each field the gate or the request's schema refused. */
const PROBLEM_TEXT: Record<keyof Problems, string> = {
  reason: 'legalHolds.reasonRequired',
  until: 'legalHolds.untilInvalid',
  note: 'legalHolds.noteRequired',
  categories: 'legalHolds.categoriesRequired',
};

function fieldOf(error: ApiError): keyof Problems | undefined {
  if (FIELD_OF[error.code]) return FIELD_OF[error.code];
  // A refusal by the request's schema names its field (`/until`, `/categories/0`).
  const path = error.fields[0]?.path
    .replace(/^\/+/, '')
    .replace(/^body\/?/, '')
    .split('/')[0];
  return path === 'reason' || path === 'until' || path === 'note' || path === 'categories' ? path : undefined;
}

/** What the hold keeps: everything of the person, or the categories chosen (RET-1). */
function Scope({
  scope,
  onScope,
  categories,
  chosen,
  onToggle,
  error,
}: {
  scope: 'everything' | 'some';
  onScope(scope: 'everything' | 'some'): void;
  categories: string[];
  chosen: string[];
  onToggle(category: string, on: boolean): void;
  error: string | undefined;
}) {
  const { t, maybe } = useI18n();
  const hintId = 'place-hold-categories-hint';
  const errorId = 'place-hold-categories-error';
  return (
    <fieldset className="choices">
      <legend>{t('legalHolds.place.scope')}</legend>
      <label className="choice">
        <input
          type="radio"
          name="hold-scope"
          value="everything"
          checked={scope === 'everything'}
          onChange={() => onScope('everything')}
        />
        {t('legalHolds.place.scopeEverything')}
      </label>
      <label className="choice">
        <input
          type="radio"
          name="hold-scope"
          value="some"
          checked={scope === 'some'}
          onChange={() => onScope('some')}
        />
        {t('legalHolds.place.scopeSome')}
      </label>
      {scope === 'some' ? (
        <fieldset
          className={error ? 'choices field-invalid' : 'choices'}
          aria-describedby={[hintId, error ? errorId : ''].filter(Boolean).join(' ')}
        >
          <legend>{t('legalHolds.place.categories')}</legend>
          <p className="hint" id={hintId}>
            {t('legalHolds.place.categoriesHint')}
          </p>
          <div className="choices columns">
            {categories.map((c, i) => (
              <label key={c} className="choice">
                <input
                  type="checkbox"
                  checked={chosen.includes(c)}
                  // The first box carries the error, so that focus lands where it is fixed.
                  aria-invalid={(i === 0 && Boolean(error)) || undefined}
                  aria-describedby={i === 0 && error ? errorId : undefined}
                  onChange={(e) => onToggle(c, e.target.checked)}
                />
                {maybe(`category.${c}`) ?? c}
              </label>
            ))}
          </div>
          {error ? (
            <p className="field-error" id={errorId}>
              {error}
            </p>
          ) : null}
        </fieldset>
      ) : null}
    </fieldset>
  );
}
