/**
 * Alerts (AUD-6, ACC-8), for the DPO: first how much of the staff's access the data explains, then each open alert
 * with its rule, a plain explanation, the ledger entries that show it and an acknowledgement with what was found,
 * the alerts acknowledged lately, and the rules' thresholds. Codes and numbers, put into words here; never a
 * registered person's value.
 */
import { useState } from 'react';
import {
  acknowledgeAlert,
  alertWithEvidence,
  type EvidenceEntry,
  explainedShare,
  type MonitoringAlert,
  monitoringAlerts,
  OUTCOMES,
  type Outcome,
} from '../../api/monitoring.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Button, ErrorAlert, Loading, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag } from '../governance/common.tsx';
import { ThresholdsSection } from './ThresholdsSection.tsx';

export default function AlertsPage() {
  const { t } = useI18n();
  const open = useLoad(() => monitoringAlerts('open'), []);
  const done = useLoad(() => monitoringAlerts('acknowledged'), []);
  const reload = () => {
    open.reload();
    done.reload();
  };
  return (
    <div>
      <PageHeading>{t('alerts.title')}</PageHeading>
      <p>{t('alerts.explain')}</p>
      <ExplainedSection />
      <section aria-labelledby="alerts-open">
        <h2 id="alerts-open">{t('alerts.open.title')}</h2>
        <ErrorAlert error={open.error} />
        {open.loading && !open.data ? <Loading /> : null}
        {open.data && open.data.alerts.length === 0 ? <p>{t('alerts.open.none')}</p> : null}
        {open.data?.alerts.map((a) => (
          <AlertCard key={a.id} alert={a} onAcknowledged={reload} />
        ))}
      </section>
      <section aria-labelledby="alerts-done">
        <h2 id="alerts-done">{t('alerts.done.title')}</h2>
        <ErrorAlert error={done.error} />
        {done.data && done.data.alerts.length === 0 ? <p>{t('alerts.done.none')}</p> : null}
        {done.data && done.data.alerts.length > 0 ? <DoneTable alerts={done.data.alerts} /> : null}
      </section>
      <ThresholdsSection />
    </div>
  );
}

/** The rule's name, and its plain explanation with the numbers; older kinds of alert get their own words. */
function useAlertWords() {
  const { t, maybe, formatNumber } = useI18n();
  return (alert: MonitoringAlert) => {
    const rule = alert.kind.startsWith('anomaly.') ? alert.kind.slice('anomaly.'.length) : null;
    if (!rule)
      return {
        title: t(`governance.alert.${alert.kind === 'break-glass' ? 'break-glass' : 'other'}`),
        text: maybe(`alerts.kind.${alert.kind}`) ?? '',
      };
    const params = Object.fromEntries(
      Object.entries(alert.explanation?.params ?? {}).map(([k, v]) => [k, formatNumber(v)]),
    );
    return {
      title: maybe(`alerts.rule.${rule}`) ?? rule,
      text: maybe(`alerts.why.${rule}`, params) ?? '',
    };
  };
}

function ExplainedSection() {
  const { t, formatNumber, maybe } = useI18n();
  const share = useLoad(explainedShare, []);
  const data = share.data;
  return (
    <section aria-labelledby="alerts-explained">
      <h2 id="alerts-explained">{t('alerts.explained.title')}</h2>
      <p>{t('alerts.explained.explain')}</p>
      <ErrorAlert error={share.error} />
      {data ? (
        data.share === null ? (
          <p>{t('alerts.explained.none')}</p>
        ) : (
          <>
            <p className="figure">
              {t('alerts.explained.share', {
                percent: formatNumber(Math.round(data.share * 1000) / 10),
                explained: formatNumber(data.explained),
                accesses: formatNumber(data.accesses),
              })}
            </p>
            <ul className="plain-list">
              {Object.entries(data.byReason).map(([reason, n]) => (
                <li key={reason}>
                  {t('alerts.explained.byReason', {
                    reason: maybe(`alerts.reason.${reason}`) ?? reason,
                    count: formatNumber(n),
                  })}
                </li>
              ))}
            </ul>
          </>
        )
      ) : null}
    </section>
  );
}

function AlertCard({ alert, onAcknowledged }: { alert: MonitoringAlert; onAcknowledged(): void }) {
  const { t, formatDate } = useI18n();
  const words = useAlertWords()(alert);
  const [evidence, setEvidence] = useState<EvidenceEntry[] | null>(null);
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  const [missing, setMissing] = useState(false);
  const show = useFormAction(async () => {
    setEvidence((await alertWithEvidence(alert.id)).evidence);
  });
  const acknowledge = useFormAction(async () => {
    if (!outcome) {
      setMissing(true);
      return;
    }
    await acknowledgeAlert(alert.id, outcome);
    onAcknowledged();
  });
  const headingId = `alert-${alert.id}`;
  return (
    <article className="card" aria-labelledby={headingId} id={`alert-${alert.id}-card`}>
      <h3 id={headingId}>
        {words.title} {alert.suspended ? <Tag kind="bad">{t('alerts.suspended')}</Tag> : null}
      </h3>
      <p>{words.text}</p>
      <dl className="facts">
        <div>
          <dt>{t('alerts.raisedAt')}</dt>
          <dd>{formatDate(alert.raisedAt)}</dd>
        </div>
        {alert.subject ? (
          <div>
            <dt>{t('alerts.about')}</dt>
            <dd dir="ltr" className="written">
              <code>{alert.subject}</code>
            </dd>
          </div>
        ) : null}
        {alert.evidence.length > 0 ? (
          <div>
            <dt>{t('alerts.evidence')}</dt>
            <dd>
              <span dir="ltr" className="written">
                {alert.evidence.slice(0, 12).join(', ')}
                {alert.evidence.length > 12 ? ' …' : ''}
              </span>
            </dd>
          </div>
        ) : null}
      </dl>
      {alert.evidence.length > 0 && !evidence ? (
        <div className="actions">
          <Button variant="secondary" busy={show.busy} onClick={() => void show.submit()}>
            {t('alerts.showEvidence', { count: alert.evidence.length })}
          </Button>
        </div>
      ) : null}
      <ErrorAlert error={show.error} />
      {evidence ? <EvidenceTable entries={evidence} caption={words.title} /> : null}
      <form className="inline-form" onSubmit={(e) => void acknowledge.submit(e)}>
        <fieldset className={missing ? 'field field-invalid' : 'field'}>
          <legend>{t('alerts.outcome.legend')}</legend>
          {OUTCOMES.map((o) => (
            <label key={o} className="choice">
              <input
                type="radio"
                name={`outcome-${alert.id}`}
                value={o}
                checked={outcome === o}
                onChange={() => {
                  setOutcome(o);
                  setMissing(false);
                }}
              />{' '}
              {t(`alerts.outcome.${o}`)}
            </label>
          ))}
          {missing ? <p className="field-error">{t('alerts.outcome.missing')}</p> : null}
        </fieldset>
        <div className="actions">
          <Button type="submit" busy={acknowledge.busy}>
            {t('alerts.acknowledge')}
          </Button>
        </div>
        <ErrorAlert error={acknowledge.error} />
      </form>
    </article>
  );
}

function EvidenceTable({ entries, caption }: { entries: EvidenceEntry[]; caption: string }) {
  const { t, formatDate, maybe } = useI18n();
  return (
    <div className="table-scroll">
      <table>
        <caption>{t('alerts.evidence.caption', { rule: caption })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('alerts.evidence.entry')}</th>
            <th scope="col">{t('alerts.evidence.time')}</th>
            <th scope="col">{t('alerts.evidence.action')}</th>
            <th scope="col">{t('alerts.evidence.purpose')}</th>
            <th scope="col">{t('alerts.evidence.decision')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.entry}>
              <td dir="ltr">{e.entry}</td>
              <td>{formatDate(e.time)}</td>
              <td>{maybe(`action.${e.action}`) ?? e.action}</td>
              <td>{e.purpose ? (maybe(`purpose.${e.purpose}`) ?? e.purpose) : '—'}</td>
              <td>
                <Tag kind={e.decision === 'allow' ? 'good' : 'bad'}>{t(`alerts.decision.${e.decision}`)}</Tag>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DoneTable({ alerts }: { alerts: MonitoringAlert[] }) {
  const { t, formatDate } = useI18n();
  const words = useAlertWords();
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">{t('alerts.done.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('alerts.rule')}</th>
            <th scope="col">{t('alerts.raisedAt')}</th>
            <th scope="col">{t('alerts.acknowledgedAt')}</th>
            <th scope="col">{t('alerts.outcome.legend')}</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id}>
              <td>{words(a).title}</td>
              <td>{formatDate(a.raisedAt)}</td>
              <td>{a.acknowledgedAt ? formatDate(a.acknowledgedAt) : '—'}</td>
              <td>{a.outcome ? t(`alerts.outcome.${a.outcome}`) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
