/**
 * The processor register (GOV-3): who processes personal data on the organisation's behalf, and their
 * sub-processors — for what, where, and the state of their contract, data processing agreement and audits. The DPO
 * and administrators keep it; auditors and oversight read it. What has lapsed is said on each line.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Processor } from '../../api/governance.ts';
import { useLoad, usePurposes } from '../../app/data.ts';
import { useRouter } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag, useNotice, usePurposeTitle } from './common.tsx';
import { ProcessorForm } from './ProcessorForm.tsx';

const KEEPERS = ['dpo', 'admin'];

export default function ProcessorsPage() {
  const { t, formatDay, formatList } = useI18n();
  const account = useAccount();
  const { search, navigate } = useRouter();
  const purposeTitle = usePurposeTitle();
  const purposes = usePurposes();
  const processors = useLoad(
    () => api.get<{ processors: Processor[] }>('/api/processors').then((r) => r.processors),
    [],
  );
  const { notice, show } = useNotice();
  const [adding, setAdding] = useState(false);
  const canKeep = KEEPERS.includes(account.role);
  const editId = search.get('edit');
  const editing = processors.data?.find((p) => p.id === editId);
  const list = processors.data ?? [];
  const nameOf = (id: string | null) => list.find((p) => p.id === id)?.name ?? '—';
  // A period or a pair of audits says only what is known: both ends, "since", "until", or nothing.
  const span = (from: string | null, to: string | null, keys: [string, string, string]) =>
    from && to
      ? t(keys[0], { from: formatDay(from), to: formatDay(to) })
      : from
        ? t(keys[1], { day: formatDay(from) })
        : to
          ? t(keys[2], { day: formatDay(to) })
          : '—';
  const period = (from: string | null, to: string | null) =>
    span(from, to, ['processors.period', 'processors.since', 'processors.until']);
  const closeForm = () => {
    setAdding(false);
    navigate('/governance/processors', { replace: true });
  };
  const saved = (p: Processor, added: boolean) => {
    show(added ? 'processors.added' : 'processors.saved', { name: p.name });
    closeForm();
    processors.reload();
  };

  return (
    <div>
      <PageHeading>{t('processors.title')}</PageHeading>
      <p>{t('processors.explain')}</p>
      {notice}
      <ErrorAlert error={processors.error ?? purposes.error} />
      {processors.loading && !processors.data ? <Loading /> : null}
      {processors.data?.length === 0 ? <p>{t('processors.none')}</p> : null}
      {list.length > 0 ? (
        <div className="table-scroll">
          <table className="processors">
            <caption className="visually-hidden">{t('processors.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('processors.name')}</th>
                <th scope="col">{t('processors.purposes')}</th>
                <th scope="col">{t('processors.locations')}</th>
                <th scope="col">{t('processors.contract')}</th>
                <th scope="col">{t('processors.dpa')}</th>
                <th scope="col">{t('processors.audit')}</th>
                <th scope="col">{t('processors.state')}</th>
                {canKeep ? <th scope="col">{t('accounts.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {list.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <span dir="auto">{p.name}</span>
                    <span className="subtle" dir="auto">
                      {p.service}
                    </span>
                    {p.parentId ? (
                      <span className="subtle">{t('processors.subOf', { name: nameOf(p.parentId) })}</span>
                    ) : null}
                  </th>
                  <td>{p.purposes.length > 0 ? formatList(p.purposes.map((n) => purposeTitle(n))) : '—'}</td>
                  <td dir="ltr" className="codes">
                    {p.locations.join(', ') || '—'}
                  </td>
                  <td>{period(p.contractSigned, p.contractExpires)}</td>
                  <td>{period(p.dpaSigned, p.dpaExpires)}</td>
                  <td>
                    {span(p.lastAudit, p.nextAudit, [
                      'processors.audits',
                      'processors.lastAudit',
                      'processors.nextAudit',
                    ])}
                  </td>
                  <td>
                    {p.endedOn ? (
                      <Tag>{t('processors.ended', { day: formatDay(p.endedOn) })}</Tag>
                    ) : p.problems.length === 0 ? (
                      <Tag kind="good">{t('processors.inOrder')}</Tag>
                    ) : (
                      p.problems.map((code) => (
                        <Tag key={code} kind="bad">
                          {t(`processors.problem.${code}`)}
                        </Tag>
                      ))
                    )}
                  </td>
                  {canKeep ? (
                    <td>
                      <Button
                        variant="secondary"
                        className="button button-secondary button-small"
                        aria-label={t('processors.editNamed', { name: p.name })}
                        onClick={() => {
                          setAdding(false);
                          navigate(`/governance/processors?edit=${p.id}`, { replace: true });
                        }}
                      >
                        {t('processors.edit')}
                      </Button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canKeep && !editing && !adding ? (
        <Button onClick={() => setAdding(true)}>{t('processors.add')}</Button>
      ) : null}
      {canKeep && (editing || adding) ? (
        <ProcessorForm
          key={editing?.id ?? 'new'}
          processor={editing ?? null}
          processors={list}
          purposes={(purposes.data ?? []).filter((p) => p.status !== 'prohibited')}
          onSaved={saved}
          onCancel={closeForm}
        />
      ) : null}
    </div>
  );
}
