/** The purpose register (PUR-1, PUR-6): what each purpose may collect, its bases, status and DPIA. */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Purpose } from '../../api/types.ts';
import { usePurposes } from '../../app/data.ts';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, Notice, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export default function PurposesPage() {
  const { t, maybe } = useI18n();
  const account = useAccount();
  const purposes = usePurposes();
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
                <dd>{p.legalBases.map((b) => t(`basis.${b}`)).join(', ') || '—'}</dd>
              </div>
              <div>
                <dt>{t('purposes.dpia')}</dt>
                <dd>
                  {p.dpiaRequired
                    ? (maybe(`purposes.dpia.${p.dpia.status}`) ?? p.dpia.status)
                    : t('purposes.dpiaNotNeeded')}
                </dd>
              </div>
              <div>
                <dt>{t('purposes.retention')}</dt>
                <dd dir="ltr">{p.retention ?? '—'}</dd>
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
                {p.dpiaRequired && p.dpia.status !== 'approved' ? (
                  <Button
                    onClick={() => {
                      const expiresAt = new Date(Date.now() + 365 * 86_400_000).toISOString();
                      void change(p, { dpia: { status: 'approved', expiresAt } });
                    }}
                  >
                    {t('purposes.approveDpia')}
                  </Button>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
