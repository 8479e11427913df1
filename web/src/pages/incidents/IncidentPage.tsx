/**
 * BRE-1, BRE-2: one incident — its 72-hour clock, its details (the DPO edits them), its state, and the
 * notification to the supervisory authority, prefilled with the generated text (GDPR 33(3)) for the DPO to edit
 * before recording what was sent; late, with a reason. A drill is marked as such everywhere: nothing is sent.
 * Oversight reads it all; the auditor reads codes and times without the words.
 */
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import {
  announceIncidentChange,
  CATEGORIES,
  fromLocalInput,
  getDraft,
  getIncident,
  INCIDENT_TEXTS,
  type Incident,
  type IncidentState,
  LATE_REASONS,
  moveIncident,
  NATURES,
  NO_NOTIFICATION_REASONS,
  notifyAuthority,
  PEOPLE_CATEGORIES,
  recordNoNotification,
  SOURCE_KINDS,
  TRANSITIONS,
  toLocalInput,
  updateIncident,
} from '../../api/incidents.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import {
  Button,
  ErrorAlert,
  Loading,
  Notice,
  PageHeading,
  TextAreaField,
  TextField,
} from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag } from '../governance/common.tsx';
import AffectedPeopleSection from './AffectedPeopleSection.tsx';
import { clockTone, useClockText } from './IncidentClock.tsx';

export default function IncidentPage({ id }: { id: string }) {
  const { t } = useI18n();
  const account = useAccount();
  const loaded = useLoad(() => getIncident(id), [id]);
  // What was done, as a message key: it is said again in the language chosen after.
  const [done, setDone] = useState<{ key: string; state?: IncidentState } | null>(null);
  const incident = loaded.data;
  const manages = account.role === 'dpo' && incident !== undefined && incident.state !== 'closed';
  const changed = (key: string, state?: IncidentState) => {
    setDone(state ? { key, state } : { key });
    announceIncidentChange();
    loaded.reload();
  };
  return (
    <div>
      <p>
        <Link to="/incidents">{t('incidents.back')}</Link>
      </p>
      <PageHeading>
        {incident ? t('incidents.page.title', { reference: incident.reference }) : t('incidents.title')}
      </PageHeading>
      <ErrorAlert error={loaded.error} />
      {loaded.loading && !incident ? <Loading /> : null}
      <div role="status">
        {done ? (
          <Notice kind="success">
            {done.state ? t(done.key, { state: t(`incidents.stateName.${done.state}`) }) : t(done.key)}
          </Notice>
        ) : null}
      </div>
      {incident ? (
        <>
          {incident.drill ? (
            <p className="drill-mark">
              <strong>{t('incidents.drill')}</strong> {t('incidents.drillExplain')}
            </p>
          ) : null}
          <ClockSection incident={incident} />
          {manages ? <StateSection incident={incident} onDone={changed} /> : null}
          <NotificationSection incident={incident} canRecord={manages} onDone={changed} />
          {manages ? (
            <DetailsForm key={incident.version} incident={incident} onDone={changed} />
          ) : (
            <DetailsView incident={incident} />
          )}
          <AffectedPeopleSection incident={incident} onChanged={loaded.reload} />
        </>
      ) : null}
    </div>
  );
}

function ClockSection({ incident }: { incident: Incident }) {
  const { t, formatDate } = useI18n();
  const clockText = useClockText();
  const steps: [string, string | null][] = [
    ['awareAt', incident.awareAt],
    ['recordedAt', incident.recordedAt],
    ['confirmedAt', incident.steps.confirmedAt],
    ['affectedComputedAt', incident.steps.affectedComputedAt],
    ['containedAt', incident.steps.containedAt],
    ['notifiedAt', incident.notification?.at ?? null],
    ['closedAt', incident.steps.closedAt],
  ];
  return (
    <section aria-labelledby="clock-title">
      <h2 id="clock-title">{t('incidents.clock')}</h2>
      <p className="incident-clock">
        <Tag kind={clockTone(incident.clock)}>{t(`incidents.stateName.${incident.state}`)}</Tag>{' '}
        <span>{clockText(incident.clock)}</span>
      </p>
      <dl className="facts">
        {steps
          .filter(([, at]) => at !== null)
          .map(([step, at]) => (
            <div key={step}>
              <dt>{t(`incidents.step.${step}`)}</dt>
              <dd>{formatDate(at as string)}</dd>
            </div>
          ))}
      </dl>
    </section>
  );
}

function StateSection({
  incident,
  onDone,
}: {
  incident: Incident;
  onDone(key: string, state?: IncidentState): void;
}) {
  const { t } = useI18n();
  const [moving, setMoving] = useState<IncidentState | null>(null);
  const [error, setError] = useState<unknown>();
  const move = async (to: IncidentState) => {
    setMoving(to);
    setError(undefined);
    try {
      await moveIncident(incident.id, to, incident.version);
      onDone('incidents.state.done', to);
    } catch (e) {
      setError(e);
    } finally {
      setMoving(null);
    }
  };
  return (
    <section aria-labelledby="state-title">
      <h2 id="state-title">{t('incidents.state')}</h2>
      <p>{t('incidents.state.explain')}</p>
      <ErrorAlert error={error} />
      <div className="row-actions">
        {TRANSITIONS[incident.state].map((to) => (
          <Button
            key={to}
            variant={to === 'closed' ? 'secondary' : 'primary'}
            busy={moving === to}
            disabled={moving !== null}
            onClick={() => void move(to)}
          >
            {t(`incidents.state.to.${to}`)}
          </Button>
        ))}
      </div>
    </section>
  );
}

function DetailsView({ incident }: { incident: Incident }) {
  const { t, formatList, formatNumber } = useI18n();
  const unknown = t('incidents.unknown');
  const rows: [string, string][] = [
    [t('incidents.nature'), formatList(incident.nature.map((n) => t(`incidents.natureName.${n}`)))],
    [
      t('incidents.dataCategories'),
      formatList(incident.dataCategories.map((c) => t(`category.${c}`))) || unknown,
    ],
    [
      t('incidents.peopleCategories'),
      formatList(incident.peopleCategories.map((c) => t(`incidents.people.${c}`))) || unknown,
    ],
    [
      t('incidents.peopleApprox'),
      incident.peopleApprox === null ? unknown : formatNumber(incident.peopleApprox),
    ],
    [
      t('incidents.recordsApprox'),
      incident.recordsApprox === null ? unknown : formatNumber(incident.recordsApprox),
    ],
    [t('incidents.highRisk'), incident.highRisk ? t('incidents.yes') : t('incidents.no')],
    [t('incidents.source'), incident.source ? t(`incidents.sourceKind.${incident.source.kind}`) : unknown],
  ];
  return (
    <section aria-labelledby="details-title">
      <h2 id="details-title">{t('incidents.details')}</h2>
      <dl className="facts">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        {incident.texts
          ? INCIDENT_TEXTS.map((field) => (
              <div key={field}>
                <dt>{t(`incidents.text.${field}`)}</dt>
                <dd className="prose" dir="auto">
                  {incident.texts?.[field] ?? unknown}
                </dd>
              </div>
            ))
          : null}
      </dl>
      {incident.texts === null ? <p>{t('incidents.textsWithheld')}</p> : null}
    </section>
  );
}

function Choices({
  legend,
  options,
  label,
  value,
  onChange,
}: {
  legend: string;
  options: readonly string[];
  label(option: string): string;
  value: string[];
  onChange(value: string[]): void;
}) {
  return (
    <fieldset className="choices">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o} className="choice">
          <input
            type="checkbox"
            checked={value.includes(o)}
            onChange={(e) => onChange(e.target.checked ? [...value, o] : value.filter((x) => x !== o))}
          />{' '}
          {label(o)}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * An approximate number as typed: empty is unknown (null); anything but a whole number is refused here, next to its
 * field — Number('1,200') is NaN, which JSON sends as null and would quietly erase the figure.
 */
function approxNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d{1,10}$/.test(trimmed)) {
    throw new ApiError(422, { code: 'incident-number-invalid', message: 'A whole number, or nothing.' });
  }
  return Number(trimmed);
}

function DetailsForm({
  incident,
  onDone,
}: {
  incident: Incident;
  onDone(key: string, state?: IncidentState): void;
}) {
  const { t } = useI18n();
  const [nature, setNature] = useState(incident.nature);
  const [dataCategories, setDataCategories] = useState(incident.dataCategories);
  const [peopleCategories, setPeopleCategories] = useState(incident.peopleCategories);
  const [peopleApprox, setPeopleApprox] = useState(incident.peopleApprox?.toString() ?? '');
  const [recordsApprox, setRecordsApprox] = useState(incident.recordsApprox?.toString() ?? '');
  const [highRisk, setHighRisk] = useState(incident.highRisk);
  const [texts, setTexts] = useState(() =>
    Object.fromEntries(INCIDENT_TEXTS.map((f) => [f, incident.texts?.[f] ?? ''])),
  );
  const [sourceKind, setSourceKind] = useState<string>(incident.source?.kind ?? '');
  const [sourceId, setSourceId] = useState(
    incident.source?.accountId ?? incident.source?.partnerId ?? incident.source?.deviceId ?? '',
  );
  const [keyId, setKeyId] = useState(incident.source?.keyId ?? '');
  const [windowFrom, setWindowFrom] = useState(
    incident.window.from ? toLocalInput(incident.window.from) : '',
  );
  const [windowTo, setWindowTo] = useState(incident.window.to ? toLocalInput(incident.window.to) : '');
  const [badNumber, setBadNumber] = useState<'people' | 'records' | null>(null);

  const action = useFormAction(async () => {
    setBadNumber(null);
    const approx = (field: 'people' | 'records', text: string) => {
      try {
        return approxNumber(text);
      } catch (error) {
        setBadNumber(field);
        throw error;
      }
    };
    const numbers = {
      peopleApprox: approx('people', peopleApprox),
      recordsApprox: approx('records', recordsApprox),
    };
    const idField = {
      account: 'accountId',
      partner: 'partnerId',
      'partner-credential': 'partnerId',
      device: 'deviceId',
    }[sourceKind];
    await updateIncident(incident.id, {
      version: incident.version,
      nature,
      dataCategories,
      peopleCategories,
      ...numbers,
      highRisk,
      texts: Object.fromEntries(INCIDENT_TEXTS.map((f) => [f, texts[f]?.trim() ? texts[f] : null])),
      source:
        sourceKind && idField
          ? {
              kind: sourceKind,
              [idField]: sourceId.trim(),
              ...(sourceKind === 'partner-credential' ? { keyId: keyId.trim() } : {}),
            }
          : null,
      window: {
        from: windowFrom ? fromLocalInput(windowFrom) : null,
        to: windowTo ? fromLocalInput(windowTo) : null,
      },
    });
    onDone('incidents.details.saved');
  });

  return (
    <section aria-labelledby="details-title">
      <h2 id="details-title">{t('incidents.details')}</h2>
      <form onSubmit={action.submit} noValidate>
        <Choices
          legend={t('incidents.nature')}
          options={NATURES}
          label={(n) => t(`incidents.natureName.${n}`)}
          value={nature}
          onChange={setNature}
        />
        <Choices
          legend={t('incidents.dataCategories')}
          options={CATEGORIES}
          label={(c) => t(`category.${c}`)}
          value={dataCategories}
          onChange={setDataCategories}
        />
        <Choices
          legend={t('incidents.peopleCategories')}
          options={PEOPLE_CATEGORIES}
          label={(c) => t(`incidents.people.${c}`)}
          value={peopleCategories}
          onChange={setPeopleCategories}
        />
        <TextField
          label={t('incidents.peopleApprox')}
          hint={t('incidents.approxHint')}
          error={badNumber === 'people' ? t('error.incident-number-invalid') : undefined}
          inputMode="numeric"
          dir="ltr"
          value={peopleApprox}
          onChange={setPeopleApprox}
        />
        <TextField
          label={t('incidents.recordsApprox')}
          hint={t('incidents.approxHint')}
          error={badNumber === 'records' ? t('error.incident-number-invalid') : undefined}
          inputMode="numeric"
          dir="ltr"
          value={recordsApprox}
          onChange={setRecordsApprox}
        />
        <label className="choice">
          <input type="checkbox" checked={highRisk} onChange={(e) => setHighRisk(e.target.checked)} />{' '}
          {t('incidents.highRisk')}
        </label>
        {INCIDENT_TEXTS.map((field) => (
          <TextAreaField
            key={field}
            label={t(`incidents.text.${field}`)}
            hint={field === 'description' ? t('incidents.text.hint') : null}
            value={texts[field] ?? ''}
            onChange={(value) => setTexts({ ...texts, [field]: value })}
          />
        ))}
        <fieldset>
          <legend>{t('incidents.source')}</legend>
          <p className="hint">{t('incidents.source.hint')}</p>
          <label>
            {t('incidents.source.kind')}{' '}
            <select value={sourceKind} onChange={(e) => setSourceKind(e.target.value)}>
              <option value="">{t('incidents.unknown')}</option>
              {SOURCE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`incidents.sourceKind.${k}`)}
                </option>
              ))}
            </select>
          </label>
          {sourceKind ? (
            <TextField label={t('incidents.source.id')} dir="ltr" value={sourceId} onChange={setSourceId} />
          ) : null}
          {sourceKind === 'partner-credential' ? (
            <TextField label={t('incidents.source.keyId')} dir="ltr" value={keyId} onChange={setKeyId} />
          ) : null}
          <TextField
            label={t('incidents.window.from')}
            type="datetime-local"
            dir="ltr"
            value={windowFrom}
            onChange={setWindowFrom}
          />
          <TextField
            label={t('incidents.window.to')}
            type="datetime-local"
            dir="ltr"
            value={windowTo}
            onChange={setWindowTo}
          />
        </fieldset>
        <ErrorAlert error={action.error} />
        <Button type="submit" busy={action.busy}>
          {t('incidents.details.save')}
        </Button>
      </form>
    </section>
  );
}

function NotificationSection({
  incident,
  canRecord,
  onDone,
}: {
  incident: Incident;
  canRecord: boolean;
  onDone(key: string, state?: IncidentState): void;
}) {
  const { t, formatDate } = useI18n();
  const n = incident.notification;
  return (
    <section aria-labelledby="notification-title">
      <h2 id="notification-title">{t('incidents.notification')}</h2>
      {n ? (
        <>
          <p>
            {n.drill
              ? t('incidents.notification.recordedDrill', { at: formatDate(n.at), to: n.to })
              : t('incidents.notification.recorded', { at: formatDate(n.at), to: n.to })}
          </p>
          {n.lateReason ? (
            <p>
              <Tag kind="warn">{t('incidents.notification.late')}</Tag>{' '}
              {t(`incidents.lateReason.${n.lateReason}`)}
              {n.lateNote ? ` — ${n.lateNote}` : ''}
            </p>
          ) : null}
          {n.text !== null ? (
            <pre className="notification-text" dir="auto">
              {n.text}
            </pre>
          ) : null}
        </>
      ) : incident.noNotificationReason ? (
        <p>{t(`incidents.noNotification.${incident.noNotificationReason}`)}</p>
      ) : canRecord ? (
        <>
          <NotificationForm incident={incident} onDone={onDone} />
          <NoNotificationForm incident={incident} onDone={onDone} />
        </>
      ) : (
        <p>{t('incidents.notification.none')}</p>
      )}
    </section>
  );
}

function NotificationForm({
  incident,
  onDone,
}: {
  incident: Incident;
  onDone(key: string, state?: IncidentState): void;
}) {
  const { t } = useI18n();
  const [at, setAt] = useState(() => toLocalInput(new Date()));
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [lateReason, setLateReason] = useState('');
  const [lateNote, setLateNote] = useState('');
  const [drafted, setDrafted] = useState(false);
  useEffect(() => {
    let current = true;
    getDraft(incident.id).then(
      (draft) => {
        if (current) {
          setText(draft);
          setDrafted(true);
        }
      },
      () => {},
    );
    return () => {
      current = false;
    };
  }, [incident.id]);
  const late = at !== '' && Date.parse(fromLocalInput(at)) > Date.parse(incident.clock.dueAt);
  const action = useFormAction(async () => {
    // An emptied date and time field would otherwise end in an unexplained RangeError.
    if (at === '') throw new ApiError(422, { code: 'incident-time-invalid', message: 'A date and time.' });
    await notifyAuthority(incident.id, {
      version: incident.version,
      at: fromLocalInput(at),
      to,
      text,
      ...(late ? { lateReason: lateReason || null, ...(lateNote.trim() ? { lateNote } : {}) } : {}),
    });
    onDone(incident.drill ? 'incidents.notification.doneDrill' : 'incidents.notification.done');
  });
  return (
    <form onSubmit={action.submit} noValidate aria-labelledby="notify-title">
      <h3 id="notify-title">{t('incidents.notification.record')}</h3>
      <p>{incident.drill ? t('incidents.notification.explainDrill') : t('incidents.notification.explain')}</p>
      <TextField
        label={t('incidents.notification.at')}
        type="datetime-local"
        dir="ltr"
        required
        value={at}
        onChange={setAt}
      />
      <TextField
        label={t('incidents.notification.to')}
        required
        maxLength={200}
        value={to}
        onChange={setTo}
      />
      <TextAreaField
        label={t('incidents.notification.text')}
        hint={drafted ? t('incidents.notification.textHint') : null}
        required
        rows={16}
        value={text}
        onChange={setText}
      />
      {late ? (
        <fieldset>
          <legend>{t('incidents.notification.lateLegend')}</legend>
          <label>
            {t('incidents.notification.lateReason')}{' '}
            <select value={lateReason} onChange={(e) => setLateReason(e.target.value)} required>
              <option value="">{t('incidents.notification.chooseReason')}</option>
              {LATE_REASONS.map((r) => (
                <option key={r} value={r}>
                  {t(`incidents.lateReason.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <TextAreaField
            label={t('incidents.notification.lateNote')}
            value={lateNote}
            onChange={setLateNote}
          />
        </fieldset>
      ) : null}
      <ErrorAlert error={action.error} />
      <Button type="submit" busy={action.busy}>
        {incident.drill ? t('incidents.notification.submitDrill') : t('incidents.notification.submit')}
      </Button>
    </form>
  );
}

function NoNotificationForm({
  incident,
  onDone,
}: {
  incident: Incident;
  onDone(key: string, state?: IncidentState): void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const action = useFormAction(async () => {
    await recordNoNotification(incident.id, reason, incident.version);
    onDone('incidents.noNotification.done');
  });
  return (
    <details>
      <summary>{t('incidents.noNotification.title')}</summary>
      <form onSubmit={action.submit} noValidate>
        <label>
          {t('incidents.noNotification.reason')}{' '}
          <select value={reason} onChange={(e) => setReason(e.target.value)} required>
            <option value="">{t('incidents.notification.chooseReason')}</option>
            {NO_NOTIFICATION_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`incidents.noNotification.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <ErrorAlert error={action.error} />
        <Button type="submit" variant="secondary" busy={action.busy}>
          {t('incidents.noNotification.submit')}
        </Button>
      </form>
    </details>
  );
}
