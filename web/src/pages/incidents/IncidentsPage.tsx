/**
 * BRE-1, BRE-2: the incident register — every incident and drill with its 72-hour clock, a form for the DPO to
 * open one (or a drill of one), and the drills' figures of the year (how long each step took). Oversight and the
 * auditor read it; the server decides what each may do.
 */
import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import {
  announceIncidentChange,
  DRILL_STEPS,
  fromLocalInput,
  getDrillFigures,
  type Incident,
  listIncidents,
  NATURES,
  openIncident,
  toLocalInput,
} from '../../api/incidents.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link, useRouter } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, PageHeading, TextAreaField, TextField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag } from '../governance/common.tsx';
import { clockTone, useClockText } from './IncidentClock.tsx';

export default function IncidentsPage() {
  const { t } = useI18n();
  const account = useAccount();
  const incidents = useLoad(listIncidents, []);
  return (
    <div>
      <PageHeading>{t('incidents.title')}</PageHeading>
      <p>{t('incidents.explain')}</p>
      <ErrorAlert error={incidents.error} />
      {incidents.loading && !incidents.data ? <Loading /> : null}
      {incidents.data ? <IncidentTable incidents={incidents.data} /> : null}
      {account.role === 'dpo' ? <OpenForm /> : null}
      <DrillFiguresSection />
    </div>
  );
}

function IncidentTable({ incidents }: { incidents: Incident[] }) {
  const { t, formatDate } = useI18n();
  const clockText = useClockText();
  if (incidents.length === 0) return <p>{t('incidents.none')}</p>;
  return (
    <table>
      <caption>{t('incidents.tableCaption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('incidents.reference')}</th>
          <th scope="col">{t('incidents.state')}</th>
          <th scope="col">{t('incidents.awareAt')}</th>
          <th scope="col">{t('incidents.clock')}</th>
        </tr>
      </thead>
      <tbody>
        {incidents.map((i) => (
          <tr key={i.id}>
            <th scope="row">
              <Link to={`/incidents/${i.id}`}>
                <bdi>{i.reference}</bdi>
              </Link>{' '}
              {i.drill ? <Tag kind="warn">{t('incidents.drill')}</Tag> : null}
            </th>
            <td>{t(`incidents.stateName.${i.state}`)}</td>
            <td>{formatDate(i.awareAt)}</td>
            <td>
              <Tag kind={clockTone(i.clock)}>{clockText(i.clock)}</Tag>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OpenForm() {
  const { t } = useI18n();
  const { navigate } = useRouter();
  const [awareAt, setAwareAt] = useState(() => toLocalInput(new Date()));
  const [nature, setNature] = useState<string[]>([]);
  const [drill, setDrill] = useState(false);
  const [description, setDescription] = useState('');
  const action = useFormAction(async () => {
    // An emptied date and time field would otherwise end in an unexplained RangeError.
    if (awareAt === '')
      throw new ApiError(422, { code: 'incident-time-invalid', message: 'A date and time.' });
    const opened = await openIncident({
      awareAt: fromLocalInput(awareAt),
      nature,
      drill,
      ...(description.trim() ? { texts: { description } } : {}),
    });
    announceIncidentChange();
    navigate(`/incidents/${opened.id}`);
  });
  return (
    <section aria-labelledby="open-incident-title">
      <h2 id="open-incident-title">{t('incidents.open.title')}</h2>
      <p>{t('incidents.open.explain')}</p>
      <form onSubmit={action.submit} noValidate>
        <TextField
          label={t('incidents.awareAt')}
          hint={t('incidents.awareAt.hint')}
          type="datetime-local"
          dir="ltr"
          required
          value={awareAt}
          onChange={setAwareAt}
        />
        <fieldset>
          <legend>{t('incidents.nature')}</legend>
          {NATURES.map((n) => (
            <label key={n} className="choice">
              <input
                type="checkbox"
                checked={nature.includes(n)}
                onChange={(e) => setNature(e.target.checked ? [...nature, n] : nature.filter((x) => x !== n))}
              />{' '}
              {t(`incidents.natureName.${n}`)}
            </label>
          ))}
        </fieldset>
        <TextAreaField
          label={t('incidents.text.description')}
          hint={t('incidents.text.hint')}
          value={description}
          onChange={setDescription}
        />
        <label className="choice">
          <input type="checkbox" checked={drill} onChange={(e) => setDrill(e.target.checked)} />{' '}
          {t('incidents.open.drill')}
        </label>
        <ErrorAlert error={action.error} />
        <Button type="submit" busy={action.busy}>
          {drill ? t('incidents.open.submitDrill') : t('incidents.open.submit')}
        </Button>
      </form>
    </section>
  );
}

function DrillFiguresSection() {
  const { t, formatNumber } = useI18n();
  const year = new Date().getFullYear();
  const figures = useLoad(() => getDrillFigures(year), [year]);
  const minutes = (m: number | null) =>
    m === null ? '—' : t('incidents.minutes', { minutes: formatNumber(m) });
  return (
    <section aria-labelledby="drill-figures-title">
      <h2 id="drill-figures-title">{t('incidents.drills.title', { year: String(year) })}</h2>
      <ErrorAlert error={figures.error} />
      {figures.data ? (
        figures.data.summary.drills === 0 ? (
          <p>{t('incidents.drills.none')}</p>
        ) : (
          <>
            <p>
              {t('incidents.drills.summary', {
                count: figures.data.summary.drills,
                inTime: figures.data.summary.inTime,
              })}
            </p>
            <table className="figures">
              <caption>{t('incidents.drills.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('incidents.drills.step')}</th>
                  <th scope="col">{t('incidents.drills.reached')}</th>
                  <th scope="col">{t('incidents.drills.median')}</th>
                  <th scope="col">{t('incidents.drills.longest')}</th>
                </tr>
              </thead>
              <tbody>
                {DRILL_STEPS.map((step) => {
                  const s = figures.data!.summary.steps[step];
                  return (
                    <tr key={step}>
                      <th scope="row">{t(`incidents.drills.stepName.${step}`)}</th>
                      <td>{formatNumber(s.reached)}</td>
                      <td>{minutes(s.medianMinutes)}</td>
                      <td>{minutes(s.maxMinutes)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        )
      ) : null}
    </section>
  );
}
