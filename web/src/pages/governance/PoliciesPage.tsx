/**
 * The access policies (ACC-2): versions of the Cedar files, each proposed by one DPO or administrator and
 * activated only when a second one approves it after seeing its impact. Going back to an earlier version is a
 * proposal like any other. The built-in layer is shown, never editable.
 */
import { useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import type { PolicyList, PolicyVersion } from '../../api/governance.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { useRouter } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, PageHeading, TextAreaField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, useFieldErrors, useNotice } from './common.tsx';
import { PolicyImpactView } from './PolicyImpactView.tsx';

const DECIDERS = ['dpo', 'admin'];

export default function PoliciesPage() {
  const { t, formatDate } = useI18n();
  const account = useAccount();
  const { search, navigate } = useRouter();
  const policies = useLoad(() => api.get<PolicyList>('/api/policies'), []);
  const { notice, show } = useNotice();
  const canDecide = DECIDERS.includes(account.role);
  const selected = Number(search.get('version')) || null;
  const shown = policies.data?.versions.find((v) => v.version === selected && v.status === 'proposed');
  const select = (version: number | null) =>
    navigate(version ? `/governance/policies?version=${version}` : '/governance/policies', { replace: true });
  const done = (id: string, values?: Record<string, unknown>) => {
    show(id, values);
    select(null);
    policies.reload();
  };

  const [rollingBack, setRollingBack] = useState<number | null>(null);
  const [rollbackError, setRollbackError] = useState<unknown>();
  const rollback = async (to: number) => {
    setRollingBack(to);
    setRollbackError(undefined);
    try {
      const proposed = await api.post<PolicyVersion>(`/api/policies/${to}/rollback`, {});
      show('policies.rollbackProposed', { version: proposed.version, to });
      policies.reload();
      select(proposed.version);
    } catch (e) {
      setRollbackError(e);
    } finally {
      setRollingBack(null);
    }
  };

  return (
    <div>
      <PageHeading>{t('policies.title')}</PageHeading>
      <p>{t('policies.explain')}</p>
      {notice}
      <ErrorAlert error={policies.error ?? rollbackError} />
      {policies.loading && !policies.data ? <Loading /> : null}
      {policies.data ? (
        <>
          <section aria-labelledby="policy-versions">
            <h2 id="policy-versions">{t('policies.versions')}</h2>
            <div className="table-scroll">
              <table>
                <caption className="visually-hidden">{t('policies.versions')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('policies.version')}</th>
                    <th scope="col">{t('purposes.status')}</th>
                    <th scope="col">{t('policies.proposed')}</th>
                    <th scope="col">{t('policies.decided')}</th>
                    <th scope="col">{t('policies.note')}</th>
                    <th scope="col">{t('accounts.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {policies.data.versions.map((v) => (
                    <tr key={v.version} aria-current={v.version === shown?.version ? 'true' : undefined}>
                      <th scope="row">{t('policies.versionN', { version: v.version })}</th>
                      <td>
                        <Tag
                          kind={
                            v.status === 'active'
                              ? 'good'
                              : v.status === 'proposed'
                                ? 'warn'
                                : v.status === 'rejected'
                                  ? 'bad'
                                  : 'plain'
                          }
                        >
                          {t(`policies.status.${v.status}`)}
                        </Tag>
                        {v.rollbackOf ? (
                          <span className="subtle">
                            {t('policies.rollbackOf', { version: v.rollbackOf })}
                          </span>
                        ) : null}
                      </td>
                      <td>
                        {formatDate(v.proposedAt)}
                        {v.proposedBy === account.id ? ` · ${t('policies.byYou')}` : ''}
                      </td>
                      <td>{v.decidedAt ? formatDate(v.decidedAt) : '—'}</td>
                      <td dir="auto">{v.note ?? '—'}</td>
                      <td>
                        <div className="row-actions">
                          {v.status === 'proposed' ? (
                            <Button variant="secondary" onClick={() => select(v.version)}>
                              {t('policies.review', { version: v.version })}
                            </Button>
                          ) : null}
                          {v.status === 'superseded' && canDecide ? (
                            <Button
                              variant="secondary"
                              busy={rollingBack === v.version}
                              onClick={() => void rollback(v.version)}
                            >
                              {t('policies.rollback', { version: v.version })}
                            </Button>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          {shown ? (
            <PolicyImpactView
              key={shown.version}
              version={shown}
              mine={shown.proposedBy === account.id}
              canDecide={canDecide}
              onDecided={done}
            />
          ) : null}
          {canDecide ? (
            <ProposeChange
              // A new version in force: its files are the ones to start from.
              key={policies.data.active}
              list={policies.data}
              onProposed={(v) => {
                show('policies.proposedNow', { version: v.version });
                policies.reload();
                select(v.version);
              }}
            />
          ) : null}
          <details className="builtin">
            <summary>{t('policies.builtin')}</summary>
            <p className="hint">{t('policies.builtinExplain')}</p>
            {Object.entries(policies.data.builtin).map(([name, text]) => (
              <div key={name}>
                <h3>
                  <code dir="ltr">{name}</code>
                </h3>
                <pre className="note" dir="ltr">
                  {text}
                </pre>
              </div>
            ))}
          </details>
        </>
      ) : null}
    </div>
  );
}

/** A new version of the files: each editable file in its own text box, and why the change is wanted. */
function ProposeChange({ list, onProposed }: { list: PolicyList; onProposed(version: PolicyVersion): void }) {
  const { t } = useI18n();
  const active = list.versions.find((v) => v.version === list.active);
  const [files, setFiles] = useState<Record<string, string>>(() => ({ ...(active?.files ?? {}) }));
  const [note, setNote] = useState('');
  const { busy, error, submit } = useFormAction(async () => {
    const proposed = await api.post<PolicyVersion>('/api/policies', {
      files,
      ...(note.trim() ? { note } : {}),
    });
    setNote('');
    setFiles({ ...(active?.files ?? {}) });
    onProposed(proposed);
  });
  const field = useFieldErrors(error);
  const changed = Object.entries(files).filter(([name, text]) => active?.files?.[name] !== text).length;
  return (
    <section aria-labelledby="propose-policy" className="card propose">
      <h2 id="propose-policy">{t('policies.propose')}</h2>
      <p className="hint">{t('policies.proposeExplain', { version: list.active })}</p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {Object.keys(files)
          .sort()
          .map((name) => (
            <details
              key={name}
              className="policy-file"
              open={active?.files?.[name] !== files[name] ? true : undefined}
            >
              <summary>
                <code dir="ltr">{name}</code>
                {active?.files?.[name] !== files[name] ? <Tag kind="warn">{t('policies.edited')}</Tag> : null}
              </summary>
              <label className="visually-hidden" htmlFor={`policy-${name}`}>
                {t('policies.fileText', { file: name })}
              </label>
              <textarea
                id={`policy-${name}`}
                className="code-editor"
                dir="ltr"
                spellCheck={false}
                rows={16}
                value={files[name]}
                onChange={(e) => setFiles((f) => ({ ...f, [name]: e.target.value }))}
              />
            </details>
          ))}
        <TextAreaField
          label={t('policies.why')}
          hint={t('policies.whyHint')}
          value={note}
          onChange={setNote}
          error={field('note')}
        />
        <ErrorAlert error={error} />
        {error instanceof ApiError && error.code === 'policy-invalid' ? (
          <ul className="problems">
            {error.fields.map((p) => (
              <li key={`${p.path}-${p.code}-${p.message}`}>
                <code dir="ltr">{p.path}</code>{' '}
                <span dir="ltr" className="subtle">
                  {p.message}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        <Button type="submit" busy={busy} disabled={changed === 0}>
          {t('policies.proposeButton')}
        </Button>
      </form>
    </section>
  );
}
