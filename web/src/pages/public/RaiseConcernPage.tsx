/**
 * The anonymous concern channel (GOV-4), for anyone — a registered person, a neighbour, a member of staff — without
 * signing in. Nothing that could identify the sender goes with it: no cookie (the requests omit credentials), no
 * name asked, nothing kept in the browser. The sender gets a follow-up code, shown once, to read the answer and
 * write back. Before sending, the browser solves a small proof-of-work instead of Haven counting addresses.
 */
import { type FormEvent, useCallback, useId, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import type { ConcernChallenge, RaisedConcern, SenderConcern } from '../../api/governance.ts';
import { publicRequest } from '../../api/public.ts';
import { useLoad } from '../../app/data.ts';
import { ConcernMessages } from '../../components/ConcernMessages.tsx';
import {
  Button,
  ErrorAlert,
  FormField,
  Notice,
  PageHeading,
  TextAreaField,
  TextField,
} from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useFieldErrors } from '../governance/common.tsx';
import { solveChallenge } from './proof-of-work.ts';

const TEXT_MAX = 10_000;

export default function RaiseConcernPage() {
  const { t } = useI18n();
  const terms = useLoad(() => publicRequest<ConcernChallenge>('/api/public/concerns/challenge'), []);
  return (
    <div>
      <PageHeading>{t('raise.title')}</PageHeading>
      <p>{t('raise.explain')}</p>
      <ul className="promises">
        <li>{t('raise.promiseAnonymous')}</li>
        <li>{t('raise.promiseNothingKept')}</li>
        {terms.data ? (
          <li>
            {t('raise.promiseClocks', { days: terms.data.acknowledgeDays, months: terms.data.answerMonths })}
          </li>
        ) : null}
      </ul>
      <RaiseForm />
      <FollowUp />
    </div>
  );
}

function RaiseForm() {
  const { t, language, formatDay } = useI18n();
  const organisations = useLoad(
    () =>
      publicRequest<{ organisations: { slug: string; name: string }[] }>('/api/public/organisations').then(
        (r) => r.organisations,
      ),
    [],
  );
  const [organisation, setOrganisation] = useState('');
  const [aboutDpo, setAboutDpo] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState<'solving' | 'sending' | null>(null);
  const [error, setError] = useState<unknown>();
  const [raised, setRaised] = useState<RaisedConcern | null>(null);
  const field = useFieldErrors(error);
  // The form is gone once sent: the reader is taken to what replaced it, the code to keep.
  const focusOnce = useCallback((heading: HTMLElement | null) => heading?.focus(), []);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setBusy('solving');
    try {
      const { challenge, difficulty } = await publicRequest<ConcernChallenge>(
        '/api/public/concerns/challenge',
      );
      const nonce = await solveChallenge(challenge, difficulty);
      setBusy('sending');
      setRaised(
        await publicRequest<RaisedConcern>('/api/public/concerns', {
          challenge,
          nonce,
          text,
          aboutDpo,
          language: language.tag,
          ...(organisation ? { organisation } : {}),
        }),
      );
      setText('');
    } catch (e) {
      // Anything but an answer from Haven is this browser failing to prepare the proof-of-work (no https).
      setError(e instanceof ApiError ? e : new ApiError(0, { code: 'concern-browser-unable' }));
    } finally {
      setBusy(null);
    }
  };

  if (raised) {
    return (
      <section aria-labelledby="raised" className="card raised">
        <h2 id="raised" tabIndex={-1} ref={focusOnce}>
          {t('raise.sentTitle')}
        </h2>
        <p>{t('raise.codeExplain')}</p>
        <p className="follow-up-code">
          <span className="visually-hidden">{t('raise.codeLabel')} </span>
          <output dir="ltr">{raised.followUpCode}</output>
        </p>
        <Notice kind="warning">{t('raise.keepCode')}</Notice>
        <p>
          {t('raise.clocks', {
            acknowledge: formatDay(raised.acknowledgeBy),
            answer: formatDay(raised.answerBy),
          })}
        </p>
        <Button variant="secondary" onClick={() => setRaised(null)}>
          {t('raise.another')}
        </Button>
      </section>
    );
  }

  return (
    <section aria-labelledby="raise-form" className="card">
      <h2 id="raise-form">{t('raise.formTitle')}</h2>
      <form onSubmit={(e) => void send(e)} noValidate autoComplete="off">
        <FormField label={t('raise.organisation')} hint={t('raise.organisationHint')}>
          {({ id, describedBy }) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={organisation}
              onChange={(e) => setOrganisation(e.target.value)}
            >
              <option value="">{t('raise.anyOrganisation')}</option>
              {(organisations.data ?? []).map((o) => (
                <option key={o.slug} value={o.slug}>
                  {o.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <TextAreaField
          label={t('raise.text')}
          hint={t('raise.textHint')}
          rows={8}
          required
          maxLength={TEXT_MAX}
          value={text}
          onChange={setText}
          error={field('text')}
        />
        <label className="choice">
          <input type="checkbox" checked={aboutDpo} onChange={(e) => setAboutDpo(e.target.checked)} />
          {t('raise.aboutDpo')}
        </label>
        <ErrorAlert error={error} />
        {busy ? (
          <p className="loading" role="status">
            {busy === 'solving' ? t('raise.solving') : t('raise.sending')}
          </p>
        ) : null}
        <Button type="submit" busy={busy !== null}>
          {t('raise.send')}
        </Button>
      </form>
    </section>
  );
}

/** Coming back with the follow-up code: the clocks, the exchange, and a reply. The code stays in this page only. */
function FollowUp() {
  const { t, formatDay } = useI18n();
  const [code, setCode] = useState('');
  const [concern, setConcern] = useState<SenderConcern | null>(null);
  const [reply, setReply] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [sent, setSent] = useState(false);
  const headingId = useId();
  const field = useFieldErrors(error);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const read = (event: FormEvent) => {
    event.preventDefault();
    setSent(false);
    void run(async () => {
      setConcern(await publicRequest<SenderConcern>('/api/public/concerns/follow-up', { code: code.trim() }));
    });
  };
  const write = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      setConcern(
        await publicRequest<SenderConcern>('/api/public/concerns/reply', { code: code.trim(), text: reply }),
      );
      setReply('');
      setSent(true);
    });
  };

  return (
    <section aria-labelledby={headingId} className="card">
      <h2 id={headingId}>{t('raise.followUpTitle')}</h2>
      <p>{t('raise.followUpExplain')}</p>
      <form onSubmit={read} noValidate autoComplete="off">
        <TextField
          label={t('raise.codeLabel')}
          hint={t('raise.codeHint')}
          dir="ltr"
          autoComplete="off"
          maxLength={40}
          value={code}
          onChange={(value) => {
            setCode(value);
            setConcern(null);
          }}
        />
        <Button type="submit" variant="secondary" busy={busy && !concern}>
          {t('raise.read')}
        </Button>
      </form>
      <ErrorAlert error={error} />
      {concern ? (
        <>
          <p role="status">
            {concern.closedOn
              ? t('raise.stateClosed', { day: formatDay(concern.closedOn) })
              : concern.answeredOn
                ? t('raise.stateAnswered', { day: formatDay(concern.answeredOn) })
                : concern.acknowledgedOn
                  ? t('raise.stateAcknowledged', {
                      day: formatDay(concern.acknowledgedOn),
                      answer: formatDay(concern.answerBy),
                    })
                  : t('raise.stateReceived', {
                      day: formatDay(concern.receivedOn),
                      acknowledge: formatDay(concern.acknowledgeBy),
                    })}
          </p>
          <h3>{t('concern.exchange')}</h3>
          <ConcernMessages messages={concern.messages} reader="sender" />
          {sent ? <Notice kind="success">{t('raise.replySent')}</Notice> : null}
          {concern.closedOn ? null : (
            <form onSubmit={write} noValidate autoComplete="off">
              <TextAreaField
                label={t('raise.reply')}
                rows={4}
                required
                maxLength={TEXT_MAX}
                value={reply}
                onChange={setReply}
                error={field('text')}
              />
              <Button type="submit" busy={busy}>
                {t('raise.sendReply')}
              </Button>
            </form>
          )}
        </>
      ) : null}
    </section>
  );
}
