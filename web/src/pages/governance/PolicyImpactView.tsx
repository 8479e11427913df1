/**
 * What a proposed policy change does (ACC-2), for the person who must approve it: the text diff of every file and
 * every decision of the authorization matrix it turns from refused to allowed or back, grouped and counted with
 * examples. Approving sends back the impact's sha256: the server activates exactly what was seen here.
 */
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import type {
  FileChange,
  ImpactAnswer,
  ImpactGroup,
  PolicyImpact,
  PolicyVersion,
} from '../../api/governance.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Button, ErrorAlert, Loading, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, useMatrixPurpose, useSituation, useWho } from './common.tsx';

const SHOWN_GROUPS = 25;

export function PolicyImpactView({
  version,
  mine,
  canDecide,
  onDecided,
}: {
  version: PolicyVersion;
  mine: boolean;
  canDecide: boolean;
  onDecided(id: string, values?: Record<string, unknown>): void;
}) {
  const { t, formatNumber } = useI18n();
  const [answer, setAnswer] = useState<ImpactAnswer | null>(null);
  const [error, setError] = useState<unknown>();

  // The impact is computed in the background: ask again every second until it is ready.
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await api.get<ImpactAnswer>(`/api/policies/${version.version}/impact`);
        if (stopped) return;
        setAnswer(next);
        if (next.state !== 'ready') timer = setTimeout(() => void poll(), 1000);
      } catch (e) {
        if (!stopped) setError(e);
      }
    };
    setAnswer(null);
    setError(undefined);
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [version.version]);

  const impact = answer?.state === 'ready' ? answer.impact : null;
  const approve = useFormAction(async () => {
    await api.post(`/api/policies/${version.version}/approve`, { impactSha256: impact?.sha256 });
    onDecided('policies.approved', { version: version.version });
  });
  const reject = useFormAction(async () => {
    await api.post(`/api/policies/${version.version}/reject`);
    onDecided('policies.rejected', { version: version.version });
  });

  return (
    <section aria-labelledby="impact-heading" className="impact">
      <h2 id="impact-heading">{t('policies.impactTitle', { version: version.version })}</h2>
      {version.note ? (
        <blockquote dir="auto" className="written">
          {version.note}
        </blockquote>
      ) : null}
      <ErrorAlert error={error} />
      {answer && answer.state !== 'ready' ? (
        <p className="loading" role="status">
          {answer.state === 'queued'
            ? t('policies.queued', { ahead: formatNumber(answer.ahead ?? 0) })
            : t('policies.computing', { cells: formatNumber(answer.cells ?? 0) })}
        </p>
      ) : null}
      {!answer && !error ? <Loading /> : null}
      {impact ? (
        <>
          <ImpactSummary impact={impact} />
          <h3>{t('policies.files')}</h3>
          {impact.files.length === 0 ? <p>{t('policies.noFileChange')}</p> : null}
          {impact.files.map((file) => (
            <FileDiff key={file.file} file={file} />
          ))}
          <ImpactGroups direction="to-allow" groups={impact.groups} count={impact.toAllow} />
          <ImpactGroups direction="to-deny" groups={impact.groups} count={impact.toDeny} />
          {impact.truncated ? <Notice kind="warning">{t('policies.truncated')}</Notice> : null}
          <p className="hash">
            {t('policies.impactHash')} <code dir="ltr">{impact.sha256}</code>
          </p>
          {canDecide && mine ? <Notice>{t('policies.ownProposal')}</Notice> : null}
          {canDecide && !mine ? (
            <>
              <ErrorAlert error={approve.error ?? reject.error} />
              <div className="actions">
                <Button busy={approve.busy} onClick={() => void approve.submit()}>
                  {t('policies.approve', { version: version.version })}
                </Button>
                <Button variant="danger" busy={reject.busy} onClick={() => void reject.submit()}>
                  {t('policies.reject', { version: version.version })}
                </Button>
              </div>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function ImpactSummary({ impact }: { impact: PolicyImpact }) {
  const { t, formatNumber } = useI18n();
  return (
    <dl className="facts impact-summary">
      <div>
        <dt>{t('policies.comparedWith')}</dt>
        <dd>{t('policies.versionN', { version: impact.base })}</dd>
      </div>
      <div>
        <dt>{t('policies.cells')}</dt>
        <dd>{formatNumber(impact.cells)}</dd>
      </div>
      <div>
        <dt>{t('policies.toAllow')}</dt>
        <dd>
          <strong className={impact.toAllow > 0 ? 'flip-allow' : undefined}>
            {formatNumber(impact.toAllow)}
          </strong>
        </dd>
      </div>
      <div>
        <dt>{t('policies.toDeny')}</dt>
        <dd>
          <strong className={impact.toDeny > 0 ? 'flip-deny' : undefined}>
            {formatNumber(impact.toDeny)}
          </strong>
        </dd>
      </div>
      <div>
        <dt>{t('policies.reasonsChanged')}</dt>
        <dd>{formatNumber(impact.reasonsChanged)}</dd>
      </div>
    </dl>
  );
}

/** A unified diff as a table: line numbers, a + or − that says it in words too, and the line, left to right. */
function FileDiff({ file }: { file: FileChange }) {
  const { t } = useI18n();
  return (
    <div className="diff-file">
      <h4>
        <code dir="ltr">{file.file}</code>{' '}
        <Tag kind={file.change === 'removed' ? 'bad' : file.change === 'added' ? 'good' : 'plain'}>
          {t(`policies.change.${file.change}`)}
        </Tag>
      </h4>
      <div className="table-scroll">
        <table className="diff" dir="ltr">
          <caption className="visually-hidden">{t('policies.diffOf', { file: file.file })}</caption>
          <thead className="visually-hidden">
            <tr>
              <th scope="col">{t('policies.oldLine')}</th>
              <th scope="col">{t('policies.newLine')}</th>
              <th scope="col">{t('policies.lineChange')}</th>
              <th scope="col">{t('policies.lineText')}</th>
            </tr>
          </thead>
          {file.hunks.map((hunk) => {
            let oldLine = hunk.oldStart;
            let newLine = hunk.newStart;
            return (
              <tbody key={`${hunk.oldStart}-${hunk.newStart}`}>
                <tr className="diff-hunk">
                  <td colSpan={4}>
                    @@ −{hunk.oldStart},{hunk.oldLines} +{hunk.newStart},{hunk.newLines} @@
                  </td>
                </tr>
                {hunk.lines.map((line, i) => {
                  const mark = line[0];
                  const text = line.slice(1);
                  if (mark === '\\') return null;
                  const kind = mark === '+' ? 'add' : mark === '-' ? 'del' : 'ctx';
                  const numbers = [kind === 'add' ? '' : oldLine, kind === 'del' ? '' : newLine];
                  if (kind !== 'add') oldLine++;
                  if (kind !== 'del') newLine++;
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: lines of a hunk are fixed; their place is their identity.
                    <tr key={i} className={`diff-${kind}`}>
                      <td className="ln">{numbers[0]}</td>
                      <td className="ln">{numbers[1]}</td>
                      <td className="mark">
                        <span aria-hidden="true">{kind === 'add' ? '+' : kind === 'del' ? '−' : ' '}</span>
                        <span className="visually-hidden">
                          {kind === 'add'
                            ? t('policies.lineAdded')
                            : kind === 'del'
                              ? t('policies.lineRemoved')
                              : t('policies.lineSame')}
                        </span>
                      </td>
                      <td className="text">
                        <code>{text}</code>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            );
          })}
        </table>
      </div>
    </div>
  );
}

/** The decisions that flip one way, grouped by who, action, purpose and what, each with a few situations. */
function ImpactGroups({
  direction,
  groups,
  count,
}: {
  direction: 'to-allow' | 'to-deny';
  groups: ImpactGroup[];
  count: number;
}) {
  const { t, maybe, formatNumber } = useI18n();
  const who = useWho();
  const matrixPurpose = useMatrixPurpose();
  const situation = useSituation();
  const [all, setAll] = useState(false);
  const mine = groups.filter((g) => g.direction === direction);
  const shown = all ? mine : mine.slice(0, SHOWN_GROUPS);
  const heading = `impact-${direction}`;
  return (
    <section aria-labelledby={heading} className={`impact-groups impact-${direction}`}>
      <h3 id={heading}>
        <span aria-hidden="true" className="flip-mark">
          {direction === 'to-allow' ? '+' : '−'}
        </span>{' '}
        {t(direction === 'to-allow' ? 'policies.groupsToAllow' : 'policies.groupsToDeny', {
          count: formatNumber(count),
          groups: formatNumber(mine.length),
        })}
      </h3>
      {mine.length === 0 ? <p>{t('policies.noFlips')}</p> : null}
      {mine.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">
              {t(direction === 'to-allow' ? 'policies.toAllow' : 'policies.toDeny')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('policies.who')}</th>
                <th scope="col">{t('policies.action')}</th>
                <th scope="col">{t('consent.purpose')}</th>
                <th scope="col">{t('policies.what')}</th>
                <th scope="col">{t('policies.situations')}</th>
                <th scope="col">{t('policies.examples')}</th>
                <th scope="col">{t('policies.reasons')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((g) => (
                <tr key={`${g.who}|${g.action}|${g.purpose}|${g.what}`}>
                  <th scope="row">{who(g.who)}</th>
                  <td>{maybe(`policies.act.${g.action}`) ?? <code dir="ltr">{g.action}</code>}</td>
                  <td>{g.purpose ? matrixPurpose(g.purpose) : '—'}</td>
                  <td>{maybe(`group.${g.what}`) ?? maybe(`policies.what.${g.what}`) ?? g.what}</td>
                  <td>{formatNumber(g.cells)}</td>
                  <td>
                    <ul className="plain-list examples">
                      {g.examples.map((e) => (
                        <li key={e}>{situation(e)}</li>
                      ))}
                    </ul>
                  </td>
                  <td>{g.reasons.map((r) => maybe(`reason.${r}`) ?? r).join(' ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {mine.length > shown.length ? (
        <Button variant="secondary" onClick={() => setAll(true)}>
          {t('policies.showAll', { count: formatNumber(mine.length) })}
        </Button>
      ) : null}
    </section>
  );
}
