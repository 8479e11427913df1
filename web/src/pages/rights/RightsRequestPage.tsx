/**
 * One rights request and its next step (RIG-1, RIG-2, RIG-5): the identity check, the start of work, one extension
 * with its reason told to the person, the answer, or a refusal with a listed reason. Ids, kinds and dates only:
 * the person's record is one link away, read under its own purpose.
 */
import { type ReactNode, useState } from 'react';
import { api } from '../../api/client.ts';
import { IDENTITY_CHECKS, REFUSAL_REASONS, type RightsRequest } from '../../api/rights-requests.ts';
import { useLoad } from '../../app/data.ts';
import { Link } from '../../app/router.tsx';
import { Button, ErrorAlert, FormField, Loading, PageHeading, TextAreaField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, useNotice } from '../governance/common.tsx';

export default function RightsRequestPage({ id }: { id: string }) {
  const { t, formatDay } = useI18n();
  const loaded = useLoad(() => api.get<RightsRequest>(`/api/rights-requests/${id}`), [id]);
  const [request, setRequest] = useState<RightsRequest | null>(null);
  const notice = useNotice();
  const r = request ?? loaded.data;
  const title = r
    ? t('work.rightsRequest', { kind: t(`rights.kind.${r.kind}`), ref: r.id.slice(0, 8) })
    : t('rights.title');
  const done = (next: RightsRequest, message: string) => {
    setRequest(next);
    notice.show(message);
  };
  return (
    <div>
      <PageHeading>{title}</PageHeading>
      <p>
        <Link to="/rights">{t('rights.back')}</Link>
      </p>
      {notice.notice}
      <ErrorAlert error={loaded.error} />
      {loaded.loading && !r ? <Loading /> : null}
      {r ? (
        <>
          <dl className="facts">
            <Fact term={t('rights.state')}>{t(`rights.state.${r.state}`)}</Fact>
            <Fact term={t('rights.channel')}>{t(`rights.channel.${r.channel}`)}</Fact>
            <Fact term={t('rights.received')}>{formatDay(r.receivedOn)}</Fact>
            <Fact term={t('rights.due')}>
              {formatDay(r.dueOn)}
              {r.extended ? ` (${t('rights.extendedNote')})` : null}
              {r.overdue ? <Tag kind="bad">{t('governance.overdue')}</Tag> : null}
            </Fact>
            <Fact term={t('rights.identity')}>
              {r.identity
                ? t('rights.identityChecked', {
                    check: t(`rights.check.${r.identity.check}`),
                    strength: r.identity.strength,
                  })
                : t('rights.identityNone')}
            </Fact>
            {r.refusalReason ? (
              <Fact term={t('rights.refusedFor')}>{t(`rights.refusal.${r.refusalReason}`)}</Fact>
            ) : null}
          </dl>
          <p>
            <Link to={`/persons/${r.personId}`}>{t('rights.openPerson')}</Link>
          </p>
          {r.kind === 'access' || r.kind === 'portability' ? (
            <p>
              <Link to={`/rights/${r.id}/answer`}>{t('accessAnswer.open')}</Link>
            </p>
          ) : null}
          <NextSteps request={r} onDone={done} />
        </>
      ) : null}
    </div>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The moves the request's state allows (src/domain/rights/requests.ts); the server decides again. */
function NextSteps({
  request,
  onDone,
}: {
  request: RightsRequest;
  onDone(next: RightsRequest, message: string): void;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [check, setCheck] = useState('document-seen');
  const [months, setMonths] = useState('1');
  const [reason, setReason] = useState('');
  const [told, setTold] = useState(false);
  const [refusal, setRefusal] = useState('');
  const [note, setNote] = useState('');
  const { state } = request;
  if (state === 'answered' || state === 'refused') return <p>{t('rights.closed')}</p>;

  const act = async (path: string, body: unknown, message: string) => {
    setError(undefined);
    setBusy(true);
    try {
      onDone(await api.post<RightsRequest>(`/api/rights-requests/${request.id}/${path}`, body), message);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="next-steps">
      <h2 id="next-steps">{t('rights.nextSteps')}</h2>
      <ErrorAlert error={error} />
      {state === 'received' ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act('identity-check', { check }, t('rights.done.identity'));
          }}
        >
          <FormField label={t('rights.checkHow')} hint={t('rights.checkHint')}>
            {({ id, describedBy }) => (
              <select
                id={id}
                aria-describedby={describedBy}
                value={check}
                onChange={(e) => setCheck(e.target.value)}
              >
                {IDENTITY_CHECKS.map((c) => (
                  <option key={c} value={c}>
                    {t(`rights.check.${c}`)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <Button type="submit" busy={busy}>
            {t('rights.recordCheck')}
          </Button>
        </form>
      ) : null}
      {state === 'identity-checked' ? (
        <Button busy={busy} onClick={() => void act('start', {}, t('rights.done.start'))}>
          {t('rights.start')}
        </Button>
      ) : null}
      {state === 'in-progress' || state === 'extended' ? (
        <Button busy={busy} onClick={() => void act('answer', {}, t('rights.done.answer'))}>
          {t('rights.answer')}
        </Button>
      ) : null}
      {state === 'in-progress' && !request.extended ? (
        <form
          className="subform"
          onSubmit={(e) => {
            e.preventDefault();
            void act(
              'extend',
              { months: Number(months), reason, personNotified: told },
              t('rights.done.extend'),
            );
          }}
        >
          <h3>{t('rights.extend')}</h3>
          <FormField label={t('rights.extendMonths')}>
            {({ id }) => (
              <select id={id} value={months} onChange={(e) => setMonths(e.target.value)}>
                <option value="1">{t('rights.months', { count: 1 })}</option>
                <option value="2">{t('rights.months', { count: 2 })}</option>
              </select>
            )}
          </FormField>
          <TextAreaField
            label={t('rights.extendReason')}
            required
            maxLength={2000}
            value={reason}
            onChange={setReason}
          />
          <label className="choice">
            <input type="checkbox" checked={told} onChange={(e) => setTold(e.target.checked)} />
            {t('rights.personTold')}
          </label>
          <Button type="submit" variant="secondary" busy={busy}>
            {t('rights.extend')}
          </Button>
        </form>
      ) : null}
      <form
        className="subform"
        onSubmit={(e) => {
          e.preventDefault();
          void act('refuse', { reason: refusal, note }, t('rights.done.refuse'));
        }}
      >
        <h3>{t('rights.refuse')}</h3>
        <FormField label={t('rights.refuseReason')} required>
          {({ id }) => (
            <select id={id} required value={refusal} onChange={(e) => setRefusal(e.target.value)}>
              <option value="">{t('rights.chooseReason')}</option>
              {REFUSAL_REASONS.map((c) => (
                <option key={c} value={c}>
                  {t(`rights.refusal.${c}`)}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <TextAreaField
          label={t('rights.refuseNote')}
          hint={t('rights.refuseNoteHint')}
          required
          maxLength={2000}
          value={note}
          onChange={setNote}
        />
        <Button type="submit" variant="danger" busy={busy}>
          {t('rights.refuse')}
        </Button>
      </form>
    </section>
  );
}
