/**
 * Concerns raised anonymously (GOV-4), for the DPO and oversight: open ones first, with their clocks — acknowledge
 * within 7 days, answer within 3 months. A concern about the DPO reaches oversight only. Opening one is recorded.
 */
import { api } from '../../api/client.ts';
import type { ConcernSummary } from '../../api/governance.ts';
import { useLoad } from '../../app/data.ts';
import { Link } from '../../app/router.tsx';
import { ErrorAlert, Loading, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, today } from './common.tsx';

export default function ConcernsPage() {
  const { t } = useI18n();
  const concerns = useLoad(
    () => api.get<{ concerns: ConcernSummary[] }>('/api/concerns').then((r) => r.concerns),
    [],
  );
  return (
    <div>
      <PageHeading>{t('concerns.title')}</PageHeading>
      <p>{t('concerns.explain')}</p>
      <ErrorAlert error={concerns.error} />
      {concerns.loading && !concerns.data ? <Loading /> : null}
      {concerns.data?.length === 0 ? <p>{t('concerns.none')}</p> : null}
      {concerns.data && concerns.data.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('concerns.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('concern.title')}</th>
                <th scope="col">{t('concerns.state')}</th>
                <th scope="col">{t('concerns.clock')}</th>
                <th scope="col">{t('concerns.language')}</th>
              </tr>
            </thead>
            <tbody>
              {concerns.data.map((c) => (
                <ConcernRow key={c.id} concern={c} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

function ConcernRow({ concern: c }: { concern: ConcernSummary }) {
  const { t, formatDay, languageName } = useI18n();
  return (
    <tr>
      <th scope="row">
        <Link to={`/governance/concerns/${c.id}`}>
          {t('concerns.receivedOn', { day: formatDay(c.receivedOn) })}
        </Link>
        {c.aboutDpo ? <Tag kind="warn">{t('concerns.aboutDpo')}</Tag> : null}
      </th>
      <td>
        <ConcernState concern={c} />
      </td>
      <td>
        <ConcernClock concern={c} />
      </td>
      <td>{languageName(c.language)}</td>
    </tr>
  );
}

export function ConcernState({ concern: c }: { concern: ConcernSummary }) {
  const { t } = useI18n();
  if (c.closedOn) return <Tag>{t('concerns.closed')}</Tag>;
  if (c.answeredOn) return <Tag kind="good">{t('concerns.answered')}</Tag>;
  if (c.acknowledgedOn) return <Tag kind="warn">{t('concerns.acknowledged')}</Tag>;
  return <Tag kind="bad">{t('concerns.new')}</Tag>;
}

/** The clock that runs now: acknowledge by, or answer by; overdue when its day has passed. */
export function ConcernClock({ concern: c }: { concern: ConcernSummary }) {
  const { t, formatDay } = useI18n();
  if (c.closedOn) return <>{t('concerns.closedOn', { day: formatDay(c.closedOn) })}</>;
  if (c.answeredOn) return <>{t('concerns.answeredOn', { day: formatDay(c.answeredOn) })}</>;
  const [key, day] = c.acknowledgedOn
    ? (['concerns.answerBy', c.answerBy] as const)
    : (['concerns.acknowledgeBy', c.acknowledgeBy] as const);
  return (
    <>
      {t(key, { day: formatDay(day) })}
      {day < today() ? <Tag kind="bad">{t('governance.overdue')}</Tag> : null}
    </>
  );
}
