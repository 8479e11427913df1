/** RIG-2: the rights requests staff handle, open ones first by deadline, the overdue said in words. */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { RightsRequest } from '../../api/rights-requests.ts';
import { useLoad } from '../../app/data.ts';
import { Link } from '../../app/router.tsx';
import { ErrorAlert, Loading, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { Tag } from '../governance/common.tsx';

export default function RightsRequestsPage() {
  const { t, formatDay } = useI18n();
  const [all, setAll] = useState(false);
  const list = useLoad(
    () =>
      api
        .get<{ requests: RightsRequest[] }>(`/api/rights-requests${all ? '' : '?open=true'}`)
        .then((r) => r.requests),
    [all],
  );
  return (
    <div>
      <PageHeading>{t('rights.title')}</PageHeading>
      <p>{t('rights.explain')}</p>
      <label className="choice">
        <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
        {t('rights.showClosed')}
      </label>
      <ErrorAlert error={list.error} />
      {list.loading ? <Loading /> : null}
      {list.data?.length === 0 ? <p>{t('rights.none')}</p> : null}
      {list.data && list.data.length > 0 ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('rights.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('rights.request')}</th>
                <th scope="col">{t('rights.received')}</th>
                <th scope="col">{t('rights.due')}</th>
                <th scope="col">{t('rights.state')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/rights/${r.id}`}>
                      {t('work.rightsRequest', { kind: t(`rights.kind.${r.kind}`), ref: r.id.slice(0, 8) })}
                    </Link>
                  </td>
                  <td>{formatDay(r.receivedOn)}</td>
                  <td>
                    {formatDay(r.dueOn)}
                    {r.overdue ? <Tag kind="bad">{t('governance.overdue')}</Tag> : null}
                  </td>
                  <td>{t(`rights.state.${r.state}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
