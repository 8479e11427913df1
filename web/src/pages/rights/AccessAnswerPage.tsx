/**
 * The answer to an access request, staff side (RIG-3): the second staff member reviews it and withholds what would
 * endanger someone else (GDPR 15(4)); anyone handling the request prints it in the person's language (LNG-2).
 * Once released it shows the digest the ledger keeps. The JSON the API returns is the portable copy.
 */
import { useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import {
  type AccessAnswerView,
  type Dictionary,
  REDACTION_REASONS,
  type Redaction,
  type RedactionReason,
} from '../../api/types.ts';
import { useDictionary, useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { useAccount } from '../../app/session.tsx';
import { useLabels } from '../../components/PersonForm.tsx';
import { Button, ErrorAlert, Loading, Notice, PageHeading } from '../../components/ui.tsx';
import { ValueText } from '../../components/Values.tsx';
import { I18nProvider, LANGUAGES, useI18n } from '../../i18n/i18n.tsx';
import { Tag } from '../governance/common.tsx';
import { AccessAnswerDocument } from './AccessAnswerDocument.tsx';
import './access-answer.css';

export default function AccessAnswerPage({ id }: { id: string }) {
  const { t, formatDate } = useI18n();
  const account = useAccount();
  const dictionary = useDictionary();
  const view = useLoad(
    () => api.get<AccessAnswerView>(`/api/rights-requests/${encodeURIComponent(id)}/access-answer`),
    [id],
  );
  const [reviewed, setReviewed] = useState(false);
  const [chosen, setChosen] = useState<string | null>(null);
  const data = view.data;
  const language = chosen ?? (data ? noticeLanguage(data) : 'en');
  const reviewing = data && data.state !== 'released' && data.composedBy !== account.id;
  const notComposed = view.error instanceof ApiError && view.error.code === 'access-answer-not-found';
  const compose = useFormAction(async () => {
    await api.post(`/api/rights-requests/${encodeURIComponent(id)}/access-answer`, {});
    view.reload();
  });

  return (
    <div>
      <PageHeading>{t('accessAnswer.title')}</PageHeading>
      {notComposed ? (
        <>
          <Notice>{t('accessAnswer.none')}</Notice>
          <ErrorAlert error={compose.error} />
          <Button busy={compose.busy} onClick={() => void compose.submit()}>
            {t('accessAnswer.compose')}
          </Button>
        </>
      ) : (
        <ErrorAlert error={view.error ?? dictionary.error} />
      )}
      {(view.loading && !data) || (!dictionary.data && !dictionary.error) ? <Loading /> : null}
      {data && dictionary.data ? (
        <>
          <div className="no-print">
            <p className="subtitle">
              <StateTag state={data.state} />{' '}
              {t('accessAnswer.composedAt', { when: formatDate(data.composedAt) })}
            </p>
            {reviewed ? <Notice kind="success">{t('accessAnswer.reviewSaved')}</Notice> : null}
            <StateExplanation view={data} mine={data.composedBy === account.id} />
            {data.digest ? (
              <p>
                {t('accessAnswer.digest')} <code dir="ltr">{data.digest}</code>
              </p>
            ) : null}
            {reviewing ? (
              <Review
                view={data}
                dictionary={dictionary.data}
                onDone={() => {
                  setReviewed(true);
                  view.reload();
                }}
              />
            ) : null}
            <section aria-labelledby="print-heading" className="answer-print-tools">
              <h2 id="print-heading">{t('accessAnswer.printTitle')}</h2>
              <p className="hint">{t('accessAnswer.printExplain')}</p>
              <label className="field">
                <span>{t('accessAnswer.documentLanguage')}</span>
                <select value={language} onChange={(e) => setChosen(e.target.value)}>
                  {LANGUAGES.map((l) => (
                    <option key={l.tag} value={l.tag} lang={l.tag === 'prs' ? 'fa-AF' : l.tag}>
                      {l.name}
                    </option>
                  ))}
                </select>
              </label>
              <div className="actions">
                <Button variant="secondary" onClick={() => window.print()}>
                  {t('accessAnswer.print')}
                </Button>
              </div>
            </section>
          </div>
          <I18nProvider fixed={language} persist={false}>
            <AccessAnswerDocument answer={data.answer} dictionary={dictionary.data} digest={data.digest} />
          </I18nProvider>
        </>
      ) : null}
    </div>
  );
}

/** The language the person was given their consent notice in (LNG-2): the one they are known to read. */
function noticeLanguage(view: AccessAnswerView): string {
  for (const purpose of view.answer.purposes)
    for (const entry of [...purpose.history].reverse()) {
      const base = entry.language?.toLowerCase().split('-')[0];
      const found = LANGUAGES.find((l) => l.tag === base || (base === 'fa' && l.tag === 'prs'));
      if (found) return found.tag;
    }
  return 'en';
}

function StateTag({ state }: { state: AccessAnswerView['state'] }) {
  const { t } = useI18n();
  return <Tag kind={state === 'released' ? 'good' : 'plain'}>{t(`accessAnswer.state.${state}`)}</Tag>;
}

function StateExplanation({ view, mine }: { view: AccessAnswerView; mine: boolean }) {
  const { t } = useI18n();
  if (view.state === 'released') return <Notice>{t('accessAnswer.released')}</Notice>;
  if (mine)
    return (
      <Notice>
        {t(view.state === 'reviewed' ? 'accessAnswer.reviewedReady' : 'accessAnswer.waitReview')}
      </Notice>
    );
  return null;
}

/**
 * Categories whose values may be about someone else or endanger someone (as REVIEWED_CATEGORIES on the server,
 * src/rights/access-answer.ts): they start withheld, and the reviewer releases each on purpose.
 */
const REVIEWED = new Set(['family', 'health', 'case-notes', 'protection', 'biometric', 'location']);

const reviewedPaths = (view: AccessAnswerView) =>
  view.answer.data.flatMap((g) =>
    g.values.filter((v) => REVIEWED.has(v.category)).map((v) => `${g.group}.${v.field}`),
  );

/** GDPR 15(4), ACC-6: the reviewer ticks the values to withhold, each with its reason; nothing else is edited. */
function Review({
  view,
  dictionary,
  onDone,
}: {
  view: AccessAnswerView;
  dictionary: Dictionary;
  onDone(): void;
}) {
  const { t } = useI18n();
  const labels = useLabels();
  const [chosen, setChosen] = useState<Map<string, RedactionReason>>(
    () =>
      new Map([
        ...reviewedPaths(view).map((path): [string, RedactionReason] => [
          path,
          path.startsWith('family.') ? 'third-party' : 'protection-risk',
        ]),
        ...view.redactions.map((r): [string, RedactionReason] => [r.path, r.reason]),
      ]),
  );
  const set = (path: string, reason: RedactionReason | null) =>
    setChosen((before) => {
      const next = new Map(before);
      if (reason) next.set(path, reason);
      else next.delete(path);
      return next;
    });
  const review = useFormAction(async () => {
    const redactions: Redaction[] = [...chosen].map(([path, reason]) => ({ path, reason }));
    await api.post(`/api/rights-requests/${encodeURIComponent(view.requestId)}/access-answer/review`, {
      composedAt: view.composedAt,
      redactions,
      // Unticked values of the reviewed categories are released on purpose, not by default.
      released: reviewedPaths(view).filter((path) => !chosen.has(path)),
    });
    onDone();
  });
  return (
    <section aria-labelledby="review-heading">
      <h2 id="review-heading">{t('accessAnswer.reviewTitle')}</h2>
      <p className="hint">{t('accessAnswer.reviewExplain')}</p>
      <form onSubmit={review.submit}>
        {view.answer.data.map((group) => {
          const groupLabel = labels.group({ name: group.group, label: group.label });
          return (
            <fieldset key={group.group} className="group">
              <legend>{groupLabel}</legend>
              {group.values.map((v) => {
                const path = `${group.group}.${v.field}`;
                const field = dictionary.fields.find((f) => f.name === v.field);
                const label = labels.field({ name: v.field, label: v.label });
                const reason = chosen.get(path);
                return (
                  <div key={path} className="redaction-row">
                    <label className="choice">
                      <input
                        type="checkbox"
                        checked={reason !== undefined}
                        onChange={(e) => set(path, e.target.checked ? 'third-party' : null)}
                      />
                      {t('accessAnswer.withhold', { field: label })}
                    </label>
                    <div className="redaction-value">
                      <ValueText field={v.field} spec={field?.spec} value={v.value} />
                    </div>
                    {reason ? (
                      <label className="field">
                        <span>{t('accessAnswer.reason', { field: label })}</span>
                        <select value={reason} onChange={(e) => set(path, e.target.value as RedactionReason)}>
                          {REDACTION_REASONS.map((r) => (
                            <option key={r} value={r}>
                              {t(`accessAnswer.reason.${r}`)}
                            </option>
                          ))}
                        </select>
                      </label>
                    ) : null}
                  </div>
                );
              })}
            </fieldset>
          );
        })}
        <ErrorAlert error={review.error} />
        <div className="actions">
          <Button type="submit" busy={review.busy}>
            {t('accessAnswer.submitReview', { count: chosen.size })}
          </Button>
        </div>
      </form>
    </section>
  );
}
