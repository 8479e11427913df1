/**
 * The purpose register (PUR-1, PUR-6): what each purpose may collect, its bases, status and DPIA. Whether a DPIA is
 * needed is computed (GOV-2); DPIAs are written and approved in the DPIA register, which each purpose links to.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Purpose } from '../../api/types.ts';
import { usePurposes } from '../../app/data.ts';
import { Link } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, Notice, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useRetention } from '../governance/common.tsx';

export default function PurposesPage() {
  const { t, maybe, formatList } = useI18n();
  const account = useAccount();
  const purposes = usePurposes();
  const retention = useRetention();
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState<string | null>(null);

  const change = async (p: Purpose, body: Record<string, unknown>) => {
    setError(undefined);
    setMessage(null);
    try {
      await api.patch(`/api/purposes/${encodeURIComponent(p.name)}`, body);
      setMessage(t('purposes.changed', { purpose: maybe(`purpose.${p.name}`) ?? p.title }));
      purposes.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div>
      <PageHeading>{t('purposes.title')}</PageHeading>
      {message ? <Notice kind="success">{message}</Notice> : null}
      <ErrorAlert error={error ?? purposes.error} />
      {purposes.loading ? <Loading /> : null}
      <ul className="cards">
        {(purposes.data ?? []).map((p) => (
          <li key={p.name} className="card">
            <h2>{maybe(`purpose.${p.name}`) ?? p.title}</h2>
            <p>{maybe(`purpose.${p.name}.description`) ?? p.description}</p>
            <dl className="facts">
              <div>
                <dt>{t('purposes.status')}</dt>
                <dd>
                  {maybe(`purposes.status.${p.status}`) ?? p.status}
                  {p.usable ? ` · ${t('purposes.usable')}` : ` · ${t('purpose.notUsable')}`}
                </dd>
              </div>
              <div>
                <dt>{t('purposes.bases')}</dt>
                <dd>
                  {p.legalBases.length > 0 ? formatList(p.legalBases.map((b) => t(`basis.${b}`))) : '—'}
                </dd>
              </div>
              <div>
                <dt>{t('purposes.dpia')}</dt>
                <dd>
                  <DpiaState purpose={p} />
                </dd>
              </div>
              <div>
                <dt>{t('purposes.retention')}</dt>
                <dd>{retention(p.retention)}</dd>
              </div>
              <div>
                <dt>{t('purposes.collects')}</dt>
                <dd>{t('purposes.fieldCount', { count: p.collect.length })}</dd>
              </div>
            </dl>
            {account.role === 'dpo' && p.status !== 'prohibited' ? (
              <div className="actions">
                {p.status === 'active' ? (
                  <Button variant="secondary" onClick={() => void change(p, { status: 'suspended' })}>
                    {t('purposes.suspend')}
                  </Button>
                ) : (
                  <Button variant="secondary" onClick={() => void change(p, { status: 'active' })}>
                    {t('purposes.resume')}
                  </Button>
                )}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** PUR-6: the state of the purpose's DPIA, and a link to it (or to start it) in the DPIA register. */
function DpiaState({ purpose: p }: { purpose: Purpose }) {
  const { t, maybe, formatDay } = useI18n();
  const d = p.dpia;
  const title = maybe(`purpose.${p.name}`) ?? p.title;
  if (!d.required) return <>{t('purposes.dpiaNotNeeded')}</>;
  const state =
    d.state === 'approved' && d.inForce
      ? t('purposes.dpiaApprovedUntil', { day: formatDay(d.inForce.reviewDate) })
      : t(`purposes.dpiaState.${d.state === 'expired' ? 'expired' : 'none'}`);
  const id = d.latest?.id ?? d.inForce?.id;
  return (
    <>
      {state}
      {' · '}
      {id ? (
        <Link to={`/governance/dpias/${id}`}>
          {t('purposes.openDpia')}
          <span className="visually-hidden"> ({title})</span>
        </Link>
      ) : (
        <Link to={`/governance/dpias?purpose=${encodeURIComponent(p.name)}`}>
          {t('purposes.startDpia')}
          <span className="visually-hidden"> ({title})</span>
        </Link>
      )}
    </>
  );
}
