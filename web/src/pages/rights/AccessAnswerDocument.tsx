/**
 * The printable answer to an access request (RIG-3, LNG-2): everything Haven holds on the person, in the words of
 * the language they read — not the staff member's. Rendered inside its own I18nProvider, so every label, date and
 * number below follows the document's language; `lang` and `dir` are set here, on the printed part only.
 */
import type { AccessAnswer, Dictionary, RedactionReason } from '../../api/types.ts';
import { useLabels } from '../../components/PersonForm.tsx';
import { ValueText } from '../../components/Values.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { usePurposeTitle, useRetention } from '../governance/common.tsx';

type Group = AccessAnswer['data'][number];

export function AccessAnswerDocument({
  answer,
  dictionary,
  digest,
}: {
  answer: AccessAnswer;
  dictionary: Dictionary;
  /** Present once released: the SHA-256 the ledger keeps of this very answer. */
  digest: string | null;
}) {
  const { t, language, formatDay } = useI18n();
  // Before release the reviewer's redactions are only listed; the preview already shows them withheld.
  const withheld = new Map(answer.redactions.map((r) => [r.path, r.reason]));
  return (
    <article
      className="answer-document"
      lang={language.tag === 'prs' ? 'fa-AF' : language.tag}
      dir={language.dir}
      aria-labelledby="answer-title"
    >
      <h2 id="answer-title">{t('answerDoc.title')}</h2>
      <p>
        {t('answerDoc.intro', {
          received: formatDay(answer.request.receivedOn),
          composed: formatDay(answer.composedOn),
        })}
      </p>

      <section aria-labelledby="answer-holder">
        <h3 id="answer-holder">{t('answerDoc.holder')}</h3>
        <p>
          {t('answerDoc.holderText', {
            organisation: answer.person.organisation,
            registered: formatDay(answer.person.registeredOn),
          })}
        </p>
        <p className="answer-reference">
          {t('answerDoc.reference')} <span dir="ltr">{answer.person.id}</span>
        </p>
      </section>

      <section aria-labelledby="answer-data">
        <h3 id="answer-data">{t('answerDoc.data')}</h3>
        <p>{t('answerDoc.dataExplain')}</p>
        {answer.data.map((group) => (
          <GroupTable key={group.group} group={group} dictionary={dictionary} withheld={withheld} />
        ))}
      </section>

      <Purposes answer={answer} />
      <Recipients answer={answer} />
      <Retention answer={answer} />
      <AutomatedDecisions answer={answer} />
      <Withheld answer={answer} dictionary={dictionary} />
      <YourRights />

      <footer className="answer-digest">
        {digest ? (
          <p>
            {t('answerDoc.digest')} <code dir="ltr">{digest}</code>
          </p>
        ) : (
          <p>{t('answerDoc.draft')}</p>
        )}
      </footer>
    </article>
  );
}

export function useRedactionReason() {
  const { t } = useI18n();
  return (reason: RedactionReason) => t(`answerDoc.reason.${reason}`);
}

function GroupTable({
  group,
  dictionary,
  withheld,
}: {
  group: Group;
  dictionary: Dictionary;
  withheld: Map<string, RedactionReason>;
}) {
  const { t, maybe, formatDay } = useI18n();
  const labels = useLabels();
  const reasonText = useRedactionReason();
  const id = `answer-group-${group.group}`;
  return (
    <section className="answer-group" aria-labelledby={id}>
      <h4 id={id}>{labels.group({ name: group.group, label: group.label })}</h4>
      <table>
        <caption className="visually-hidden">
          {labels.group({ name: group.group, label: group.label })}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('answerDoc.information')}</th>
            <th scope="col">{t('answerDoc.whatWeKeep')}</th>
          </tr>
        </thead>
        <tbody>
          {group.values.map((v) => {
            const field = dictionary.fields.find((f) => f.name === v.field);
            const reason = v.redacted ?? withheld.get(`${group.group}.${v.field}`);
            return (
              <tr key={v.field}>
                <th scope="row">{labels.field({ name: v.field, label: v.label })}</th>
                <td>
                  {reason ? (
                    <em className="answer-withheld">
                      {t('answerDoc.withheld', { reason: reasonText(reason) })}
                    </em>
                  ) : field?.spec.type === 'date' && typeof v.value === 'string' ? (
                    // A full date in the reader's conventions; partial dates stay as recorded.
                    formatDay(v.value)
                  ) : (
                    <ValueText field={v.field} spec={field?.spec} value={v.value} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {group.sources.length > 0 ? (
        <>
          <p className="answer-sources-heading">{t('answerDoc.sources')}</p>
          <ul className="answer-sources">
            {group.sources.map((s, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: two changes may share day, action and role.
              <li key={i}>
                {t('answerDoc.source', {
                  day: formatDay(s.on),
                  action: maybe(`answerDoc.action.${s.action}`) ?? s.action,
                  who: s.role ? (maybe(`role.${s.role}`) ?? s.role) : t('answerDoc.someone'),
                  organisation: s.organisation ?? '—',
                })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function Purposes({ answer }: { answer: AccessAnswer }) {
  const { t, maybe, formatDay, formatList, languageName } = useI18n();
  const title = usePurposeTitle();
  const retention = useRetention();
  const basis = (b: string) => maybe(`basis.${b}`) ?? b;
  return (
    <section aria-labelledby="answer-purposes">
      <h3 id="answer-purposes">{t('answerDoc.purposes')}</h3>
      {answer.purposes.length === 0 ? <p>{t('answerDoc.none')}</p> : null}
      {answer.purposes.map((p) => (
        <section key={p.name} className="answer-purpose" aria-labelledby={`answer-purpose-${p.name}`}>
          <h4 id={`answer-purpose-${p.name}`}>{title(p.name, p.title)}</h4>
          <p>{maybe(`purpose.${p.name}.description`) ?? p.description}</p>
          <p>{t('answerDoc.legalBasis', { bases: formatList(p.legalBases.map(basis)) })}</p>
          {p.retention ? <p>{t('answerDoc.keptFor', { rule: retention(p.retention) })}</p> : null}
          {p.history.length > 0 ? (
            <table>
              <caption>{t('answerDoc.history')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('answerDoc.when')}</th>
                  <th scope="col">{t('answerDoc.what')}</th>
                  <th scope="col">{t('answerDoc.how')}</th>
                </tr>
              </thead>
              <tbody>
                {p.history.map((h, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the history is fixed and in order.
                  <tr key={i}>
                    <td>{formatDay(h.on)}</td>
                    <td>{t(`answerDoc.${h.action}`, { basis: basis(h.basis) })}</td>
                    <td>
                      {h.noticeVersion || h.language || h.method
                        ? t('answerDoc.notice', {
                            version: h.noticeVersion ?? '—',
                            language: h.language ? languageName(h.language) : '—',
                            method: h.method ? (maybe(`answerDoc.method.${h.method}`) ?? h.method) : '—',
                          })
                        : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ))}
    </section>
  );
}

function Recipients({ answer }: { answer: AccessAnswer }) {
  const { t, maybe, formatList } = useI18n();
  const title = usePurposeTitle();
  const list = (items: string[]) => (items.length > 0 ? formatList(items) : '—');
  return (
    <section aria-labelledby="answer-recipients">
      <h3 id="answer-recipients">{t('answerDoc.recipients')}</h3>
      {answer.recipients.length === 0 ? (
        <p>{t('answerDoc.none')}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{t('answerDoc.recipients')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('answerDoc.organisation')}</th>
              <th scope="col">{t('answerDoc.roles')}</th>
              <th scope="col">{t('answerDoc.forWhat')}</th>
            </tr>
          </thead>
          <tbody>
            {answer.recipients.map((r) => (
              <tr key={r.organisation}>
                <th scope="row">{r.organisation}</th>
                <td>{list(r.roles.map((role) => maybe(`role.${role}`) ?? role))}</td>
                <td>{list(r.purposes.map((p) => title(p)))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        {answer.partners.length === 0
          ? t('answerDoc.noPartners')
          : t('answerDoc.partners', {
              partners: formatList(
                answer.partners.map((p) => `${p.name} (${list(p.purposes.map((x) => title(x)))})`),
              ),
            })}
      </p>
    </section>
  );
}

function Retention({ answer }: { answer: AccessAnswer }) {
  const { t, formatList } = useI18n();
  const labels = useLabels();
  const retention = useRetention();
  return (
    <section aria-labelledby="answer-retention">
      <h3 id="answer-retention">{t('answerDoc.retention')}</h3>
      <dl className="answer-facts">
        {answer.retention.map((r) => (
          <div key={r.group}>
            <dt>{labels.group({ name: r.group, label: r.label })}</dt>
            <dd>{formatList(r.rules.map((rule) => retention(rule)))}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function AutomatedDecisions({ answer }: { answer: AccessAnswer }) {
  const { t, maybe } = useI18n();
  const title = usePurposeTitle();
  return (
    <section aria-labelledby="answer-automated">
      <h3 id="answer-automated">{t('answerDoc.automated')}</h3>
      <ul>
        {answer.automatedDecisions.map((d) => (
          <li key={d.purpose ?? 'haven'}>
            {d.purpose === null ? (
              t('answerDoc.automatedHaven')
            ) : (
              <>
                <strong>{title(d.purpose)}</strong>: {maybe(`purpose.${d.purpose}.description`) ?? d.logic}
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Withheld({ answer, dictionary }: { answer: AccessAnswer; dictionary: Dictionary }) {
  const { t } = useI18n();
  const labels = useLabels();
  const reasonText = useRedactionReason();
  const label = (path: string) => {
    const [group = '', field = ''] = path.split('.');
    const g = dictionary.groups.find((x) => x.name === group);
    const f = dictionary.fields.find((x) => x.name === field);
    return `${labels.group({ name: group, label: g?.label ?? group })}: ${labels.field({ name: field, label: f?.label ?? field })}`;
  };
  return (
    <section aria-labelledby="answer-held-back">
      <h3 id="answer-held-back">{t('answerDoc.withheldTitle')}</h3>
      {answer.redactions.length === 0 ? (
        <p>{t('answerDoc.nothingWithheld')}</p>
      ) : (
        <>
          <p>{t('answerDoc.withheldExplain')}</p>
          <ul>
            {answer.redactions.map((r) => (
              <li key={r.path}>
                {label(r.path)} — {reasonText(r.reason)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function YourRights() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="answer-rights">
      <h3 id="answer-rights">{t('answerDoc.rights')}</h3>
      <ul>
        <li>{t('answerDoc.right.correct')}</li>
        <li>{t('answerDoc.right.erase')}</li>
        <li>{t('answerDoc.right.restrict')}</li>
        <li>{t('answerDoc.right.object')}</li>
        <li>{t('answerDoc.right.withdraw')}</li>
        <li>{t('answerDoc.right.copy')}</li>
      </ul>
      <p>{t('answerDoc.howToAsk')}</p>
      <p>{t('answerDoc.complain')}</p>
    </section>
  );
}
