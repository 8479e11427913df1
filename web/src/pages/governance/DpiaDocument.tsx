/**
 * A DPIA version as a document (GOV-2): what the assessor wrote, the risks before and after their measures, the
 * DPO's decision — for reading on screen and for printing. Beside it, what Haven knows of the processing.
 */
import type { DpiaDetail, DpiaVersion, Rating } from '../../api/governance.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, usePurposeTitle, useRetention } from './common.tsx';
import { riskLevel } from './dpia-content.ts';

export function RiskLevelTag({ rating }: { rating: Rating }) {
  const { t, formatNumber } = useI18n();
  const level = riskLevel(rating);
  const kind = level === 'low' ? 'good' : level === 'moderate' ? 'plain' : level === 'high' ? 'warn' : 'bad';
  // The level in words; its score as likelihood × severity, written left to right in every language.
  return (
    <span className="risk-level">
      <Tag kind={kind}>{t(`dpia.level.${level}`)}</Tag>{' '}
      <span className="score" dir="ltr">
        {formatNumber(rating.likelihood)} × {formatNumber(rating.severity)} ={' '}
        {formatNumber(rating.likelihood * rating.severity)}
      </span>
    </span>
  );
}

export function useEventName() {
  const { maybe } = useI18n();
  return (event: string) => maybe(`dpia.event.${event}`) ?? event;
}

/** Text as written: paragraphs and line breaks kept, direction from its own script. */
function Written({ text }: { text: string }) {
  const { t } = useI18n();
  return text.trim() ? (
    <p className="written" dir="auto">
      {text}
    </p>
  ) : (
    <p className="missing">{t('dpia.notWritten')}</p>
  );
}

export function DpiaDocument({ version, purpose }: { version: DpiaVersion; purpose: string }) {
  const { t, formatDate, formatDay } = useI18n();
  const eventName = useEventName();
  const c = version.content;
  return (
    <article className="dpia-document" aria-labelledby="dpia-document-title">
      <h2 id="dpia-document-title">{t('dpia.documentTitle', { purpose, version: version.version })}</h2>
      <h3>{t('dpia.description')}</h3>
      <Written text={c.description} />
      <h3>{t('dpia.necessity')}</h3>
      <Written text={c.necessity} />
      <h3>{t('dpia.proportionality')}</h3>
      <Written text={c.proportionality} />
      <h3>{t('dpia.risks')}</h3>
      <div className="table-scroll">
        <table className="risk-table">
          <caption className="visually-hidden">{t('dpia.risks')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dpia.risk')}</th>
              <th scope="col">{t('dpia.before')}</th>
              <th scope="col">{t('dpia.measures')}</th>
              <th scope="col">{t('dpia.after')}</th>
            </tr>
          </thead>
          <tbody>
            {c.risks.map((risk, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: risks have no id; two may share an event code.
              <tr key={`${risk.event}-${i}`}>
                <th scope="row">
                  {eventName(risk.event)}
                  {risk.description ? (
                    <span className="risk-description" dir="auto">
                      {risk.description}
                    </span>
                  ) : null}
                </th>
                <td>{risk.rating ? <RiskLevelTag rating={risk.rating} /> : '—'}</td>
                <td>
                  {risk.measures.filter((m) => m.trim()).length > 0 ? (
                    <ul className="measures">
                      {risk.measures
                        .filter((m) => m.trim())
                        .map((m, j) => (
                          // biome-ignore lint/suspicious/noArrayIndexKey: measures are plain lines, fixed here.
                          <li key={`${j}-${m}`}>{m}</li>
                        ))}
                    </ul>
                  ) : (
                    '—'
                  )}
                </td>
                <td>{risk.residual ? <RiskLevelTag rating={risk.residual} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t('dpia.consultation')}</h3>
      <p>{c.consultation?.sought ? t('dpia.consultationSought') : t('dpia.consultationNotSought')}</p>
      <Written
        text={c.consultation ? (c.consultation.sought ? c.consultation.summary : c.consultation.reason) : ''}
      />
      <h3>{t('dpia.reviewDate')}</h3>
      <p>{c.reviewDate ? formatDay(c.reviewDate) : '—'}</p>
      {version.decidedAt ? (
        <>
          <h3>{t('dpia.decision')}</h3>
          <p>
            {t(version.status === 'rejected' ? 'dpia.rejectedOn' : 'dpia.approvedOn', {
              when: formatDate(version.decidedAt),
            })}
          </p>
          {version.dpoOpinion ? (
            <>
              <h4>{t('dpia.opinion')}</h4>
              <Written text={version.dpoOpinion} />
            </>
          ) : null}
          {version.decisionNote ? (
            <>
              <h4>{t('dpia.note')}</h4>
              <Written text={version.decisionNote} />
            </>
          ) : null}
        </>
      ) : null}
    </article>
  );
}

/** What Haven knows of the processing the DPIA assesses: filled in from the registers, never typed again. */
export function ProcessingContext({ context }: { context: DpiaDetail['context'] }) {
  const { t, maybe, formatDay, formatList } = useI18n();
  const purposeTitle = usePurposeTitle();
  const retention = useRetention();
  const list = (items: string[]) => (items.length > 0 ? formatList(items) : '—');
  return (
    <section aria-labelledby="processing-context" className="context">
      <h2 id="processing-context">{t('dpia.context')}</h2>
      <p className="hint">{t('dpia.contextExplain')}</p>
      <dl className="facts">
        <div>
          <dt>{t('consent.purpose')}</dt>
          <dd>
            {purposeTitle(context.name, context.title)}
            <span className="subtle" dir="auto">
              {maybe(`purpose.${context.name}.description`) ?? context.description}
            </span>
          </dd>
        </div>
        <div>
          <dt>{t('purposes.status')}</dt>
          <dd>{maybe(`purposes.status.${context.status}`) ?? context.status}</dd>
        </div>
        <div>
          <dt>{t('purposes.bases')}</dt>
          <dd>{list(context.legalBases.map((b) => t(`basis.${b}`)))}</dd>
        </div>
        <div>
          <dt>{t('record.categories')}</dt>
          <dd>
            {list(
              context.categories.map((c) =>
                t('record.categoryTier', {
                  category: maybe(`category.${c.category}`) ?? c.category,
                  tier: c.tier,
                }),
              ),
            )}
          </dd>
        </div>
        <div>
          <dt>{t('record.recipients')}</dt>
          <dd>{list(context.recipients.map((r) => t(`role.${r.name}`)))}</dd>
        </div>
        <div>
          <dt>{t('record.transfers')}</dt>
          <dd>
            {context.transfers.length === 0
              ? t('record.noTransfers')
              : list(context.transfers.map((tr) => `${tr.country} (${tr.processor})`))}
          </dd>
        </div>
        <div>
          <dt>{t('purposes.retention')}</dt>
          <dd>{retention(context.retention.purpose)}</dd>
        </div>
        <div>
          <dt>{t('nav.processors')}</dt>
          <dd>{list(context.processors.map((p) => p.name))}</dd>
        </div>
        <div>
          <dt>{t('dpia.need')}</dt>
          <dd>
            {context.need.required
              ? t(context.need.rule === 'biometrics' ? 'dpia.needBiometrics' : 'dpia.needCriteria')
              : t('dpia.notNeeded')}
            {context.dpia.reviewDate
              ? ` · ${t('dpia.inForceUntil', { day: formatDay(context.dpia.reviewDate) })}`
              : ''}
          </dd>
        </div>
        <div>
          <dt>{t('dpia.criteria')}</dt>
          <dd>
            {context.need.criteria.length === 0 ? (
              '—'
            ) : (
              <ul className="plain-list">
                {context.need.criteria.map((c) => (
                  <li key={c.criterion}>
                    {maybe(`dpia.criterion.${c.criterion}`) ?? c.criterion}{' '}
                    <code dir="ltr" className="because">
                      {c.because}
                    </code>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      </dl>
      <details>
        <summary>{t('dpia.fields', { count: context.fields.length })}</summary>
        <ul className="plain-list">
          {context.fields.map((f) => (
            <li key={f.name}>
              {maybe(`field.${f.name}`) ?? f.label} · {maybe(`category.${f.category}`) ?? f.category} ·{' '}
              {t(`tier.${f.tier}`)}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
