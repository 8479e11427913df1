/** AUD-2, AUD-3: the ledger's latest signed checkpoint and the witnesses that cosign it. */
import { api } from '../../api/client.ts';
import type { Witness } from '../../api/types.ts';
import { useLoad } from '../../app/data.ts';
import { useAccount } from '../../app/session.tsx';
import { Button, ErrorAlert, Loading, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export default function LedgerPage() {
  const { t, formatDate, formatNumber } = useI18n();
  const account = useAccount();
  const checkpoint = useLoad(() => api.text('/api/ledger/checkpoint'), []);
  const witnesses = useLoad(
    () => api.get<{ witnesses: Witness[] }>('/api/ledger/witnesses').then((r) => r.witnesses),
    [],
  );
  const lines = checkpoint.data?.split('\n') ?? [];
  const size = Number(lines[1] ?? Number.NaN);

  return (
    <div>
      <PageHeading>{t('ledger.title')}</PageHeading>
      <p>{t('ledger.explain')}</p>
      <section aria-labelledby="checkpoint-heading">
        <h2 id="checkpoint-heading">{t('ledger.checkpoint')}</h2>
        <ErrorAlert error={checkpoint.error} />
        {checkpoint.loading ? <Loading /> : null}
        {checkpoint.data ? (
          <>
            <dl className="facts">
              <div>
                <dt>{t('ledger.origin')}</dt>
                <dd dir="ltr">{lines[0]}</dd>
              </div>
              <div>
                <dt>{t('ledger.size')}</dt>
                <dd>{Number.isFinite(size) ? formatNumber(size) : '—'}</dd>
              </div>
              <div>
                <dt>{t('ledger.root')}</dt>
                <dd dir="ltr">
                  <code>{lines[2]}</code>
                </dd>
              </div>
            </dl>
            <details>
              <summary>{t('ledger.signedNote')}</summary>
              <pre dir="ltr" className="note">
                {checkpoint.data}
              </pre>
            </details>
          </>
        ) : null}
        {account.role === 'admin' ? (
          <Button
            variant="secondary"
            onClick={async () => {
              await api.post('/api/ledger/checkpoints').catch(() => {});
              checkpoint.reload();
            }}
          >
            {t('ledger.signNow')}
          </Button>
        ) : null}
      </section>
      <section aria-labelledby="witnesses-heading">
        <h2 id="witnesses-heading">{t('ledger.witnesses')}</h2>
        <ErrorAlert error={witnesses.error} />
        {witnesses.data?.length === 0 ? <p>{t('ledger.noWitnesses')}</p> : null}
        {witnesses.data && witnesses.data.length > 0 ? (
          <table>
            <caption className="visually-hidden">{t('ledger.witnesses')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('ledger.witnessName')}</th>
                <th scope="col">{t('ledger.added')}</th>
                <th scope="col">{t('ledger.lastCosigned')}</th>
              </tr>
            </thead>
            <tbody>
              {witnesses.data.map((w) => (
                <tr key={w.name}>
                  <th scope="row" dir="ltr">
                    {w.name}
                  </th>
                  <td>{formatDate(w.addedAt)}</td>
                  <td>
                    {w.lastCosignedSize === null || !w.lastCosignedAt
                      ? t('ledger.neverCosigned')
                      : t('ledger.cosignedAt', {
                          size: formatNumber(w.lastCosignedSize),
                          when: formatDate(w.lastCosignedAt),
                        })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </div>
  );
}
