/**
 * RET-2: the last sweeps with their disposal figures (field group, rule, categories, items), and the DPO's "run the
 * sweep now", confirmed first since an erasure cannot be undone; RES-1: the last restore drill.
 */
import { useCallback, useEffect, useState } from 'react';
import {
  type Disposal,
  type RestoreDrill,
  type RetentionSweep,
  type RetentionSweeps,
  retentionSweeps,
  runSweep,
} from '../../api/retention.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Button, Dialog, ErrorAlert, Loading, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, useRetention } from '../governance/common.tsx';

/** How often, and how many times at most, the page asks whether a sweep it started has finished. */
const WATCH_EVERY_MS = 1000;
const WATCH_TRIES = 180;

export function SweepsSection({ canRun, onSwept }: { canRun: boolean; onSwept(): void }) {
  const { t } = useI18n();
  const [data, setData] = useState<RetentionSweeps>();
  const [error, setError] = useState<unknown>();
  const [confirming, setConfirming] = useState(false);
  const [watching, setWatching] = useState<string | null>(null);
  const [progress, setProgress] = useState<'started' | 'still-running' | null>(null);
  // The sweep started here, once finished: its figures, said in the language on screen.
  const [finished, setFinished] = useState<RetentionSweep | null>(null);

  const load = useCallback(async () => {
    try {
      const loaded = await retentionSweeps();
      setData(loaded);
      setError(undefined);
      return loaded;
    } catch (e) {
      setError(e);
      return undefined;
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const run = useFormAction(async () => {
    const { sweepId } = await runSweep();
    setConfirming(false);
    setFinished(null);
    setProgress('started');
    setWatching(sweepId);
  });

  // The sweep runs in the job queue: the list is asked again until the sweep started here has finished.
  // biome-ignore lint/correctness/useExhaustiveDependencies: onSwept changes identity each render.
  useEffect(() => {
    if (!watching) return;
    let stopped = false;
    let tries = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      tries++;
      const loaded = await load();
      if (stopped) return;
      const sweep = loaded?.sweeps.find((s) => s.id === watching);
      if (sweep && sweep.state !== 'running') {
        setWatching(null);
        setProgress(null);
        setFinished(sweep);
        onSwept();
        return;
      }
      if (!loaded || tries >= WATCH_TRIES) {
        setWatching(null);
        setProgress(loaded ? 'still-running' : null);
        return;
      }
      timer = setTimeout(tick, WATCH_EVERY_MS);
    };
    timer = setTimeout(tick, 0);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [watching, load]);

  return (
    <>
      <section aria-labelledby="retention-sweeps">
        <h2 id="retention-sweeps">{t('retentionPage.sweeps.title')}</h2>
        <p>{t('retentionPage.sweeps.explain')}</p>
        {/* One live region, there from the start, so that each step of a sweep run now is announced. */}
        <div role="status">
          {progress ? (
            <p className="alert alert-info">
              {t(progress === 'started' ? 'retentionPage.run.started' : 'retentionPage.run.stillRunning')}
            </p>
          ) : null}
          {finished ? <Finished sweep={finished} /> : null}
        </div>
        {canRun ? (
          <>
            <div className="actions">
              <Button variant="danger" onClick={() => setConfirming(true)}>
                {t('retentionPage.run.button')}
              </Button>
            </div>
            <Dialog
              title={t('retentionPage.run.confirmTitle')}
              open={confirming}
              onClose={() => setConfirming(false)}
            >
              <p>{t('retentionPage.run.confirmExplain')}</p>
              <p>
                <strong>{t('retentionPage.run.cannotUndo')}</strong>
              </p>
              <ErrorAlert error={run.error} />
              <div className="actions">
                <Button variant="danger" busy={run.busy} onClick={() => void run.submit()}>
                  {t('retentionPage.run.confirm')}
                </Button>
                <Button
                  variant="secondary"
                  onClick={() => {
                    run.setError(undefined);
                    setConfirming(false);
                  }}
                >
                  {t('common.cancel')}
                </Button>
              </div>
            </Dialog>
          </>
        ) : null}
        <ErrorAlert error={error} />
        {!data && !error ? <Loading /> : null}
        {data ? <SweepTable sweeps={data.sweeps} /> : null}
      </section>
      {data ? <DrillSection drill={data.lastDrill} /> : null}
    </>
  );
}

/** What the sweep started here did, in the language on screen. */
function Finished({ sweep }: { sweep: RetentionSweep }) {
  const { t, formatNumber } = useI18n();
  if (sweep.state === 'failed') return <p className="alert alert-warning">{t('retentionPage.run.failed')}</p>;
  return (
    <p className="alert alert-success">
      {t('retentionPage.run.done', {
        persons: formatNumber(sweep.personsErased),
        groups: formatNumber(sweep.groupsErased),
        held: formatNumber(sweep.held),
      })}
    </p>
  );
}

function SweepTable({ sweeps }: { sweeps: RetentionSweep[] }) {
  const { t, formatDate, formatDay, formatNumber } = useI18n();
  if (sweeps.length === 0) return <p>{t('retentionPage.sweeps.none')}</p>;
  const n = (value: number) => formatNumber(value);
  const stateTag = { running: 'warn', done: 'good', failed: 'bad' } as const;
  return (
    <div className="table-scroll">
      <table>
        <caption className="visually-hidden">{t('retentionPage.sweeps.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('retentionPage.sweeps.started')}</th>
            <th scope="col">{t('retentionPage.sweeps.onDay')}</th>
            <th scope="col">{t('retentionPage.sweeps.trigger')}</th>
            <th scope="col">{t('retentionPage.sweeps.state')}</th>
            <th scope="col">{t('retentionPage.sweeps.persons')}</th>
            <th scope="col">{t('retentionPage.sweeps.groups')}</th>
            <th scope="col">{t('retentionPage.sweeps.held')}</th>
            <th scope="col">{t('retentionPage.sweeps.disposals')}</th>
          </tr>
        </thead>
        <tbody>
          {sweeps.map((s) => (
            <tr key={s.id}>
              <td>{formatDate(s.startedAt)}</td>
              <td>{formatDay(s.onDay)}</td>
              <td>{t(`retentionPage.sweeps.trigger.${s.trigger}`)}</td>
              <td>
                <Tag kind={stateTag[s.state]}>{t(`retentionPage.sweeps.state.${s.state}`)}</Tag>
              </td>
              <td>{n(s.personsErased)}</td>
              <td>{n(s.groupsErased)}</td>
              <td>{n(s.held)}</td>
              <td>
                <Disposals disposals={s.disposals} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One sweep's disposal record in figures: per field group (or the whole person) and rule. */
function Disposals({ disposals }: { disposals: Disposal[] }) {
  const { t, maybe, formatList } = useI18n();
  const rule = useRetention();
  if (disposals.length === 0) return <>{t('retentionPage.sweeps.nothingErased')}</>;
  return (
    <ul className="plain-list">
      {disposals.map((d) => (
        <li key={`${d.group} ${d.rule}`}>
          {t('retentionPage.sweeps.disposal', {
            group:
              d.group === '*'
                ? t('retentionPage.sweeps.wholePerson')
                : (maybe(`group.${d.group}`) ?? d.group),
            items: d.items,
            // A whole person goes with every category: named as such, not as the dictionary's long list.
            categories:
              d.group === '*'
                ? t('retentionPage.sweeps.allCategories')
                : formatList(d.categories.map((c) => maybe(`category.${c}`) ?? c)),
            rule: rule(d.rule),
          })}
        </li>
      ))}
    </ul>
  );
}

/** RES-1: whether the newest backups were last shown to restore, erasures included; operators run the drill. */
function DrillSection({ drill }: { drill: RestoreDrill | null }) {
  const { t, formatDate } = useI18n();
  return (
    <section aria-labelledby="restore-drill">
      <h2 id="restore-drill">{t('retentionPage.drill.title')}</h2>
      {drill ? (
        <>
          <dl className="facts">
            <div>
              <dt>{t('retentionPage.drill.result')}</dt>
              <dd>
                <Tag kind={drill.pass ? 'good' : 'bad'}>
                  {t(drill.pass ? 'retentionPage.drill.passed' : 'retentionPage.drill.failed')}
                </Tag>
              </dd>
            </div>
            <div>
              <dt>{t('retentionPage.drill.at')}</dt>
              <dd>{formatDate(drill.at)}</dd>
            </div>
            <div>
              <dt>{t('retentionPage.drill.digest')}</dt>
              <dd dir="ltr" className="written">
                <code>{drill.digest}</code>
              </dd>
            </div>
          </dl>
          {drill.pass ? null : <Notice kind="warning">{t('retentionPage.drill.failedExplain')}</Notice>}
        </>
      ) : (
        <p>{t('retentionPage.drill.none')}</p>
      )}
      <p>{t('retentionPage.drill.howTo')}</p>
      <pre className="note" dir="ltr">
        <code>haven backup drill</code>
      </pre>
    </section>
  );
}
