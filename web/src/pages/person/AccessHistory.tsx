/** AUD-5: who looked at this person's record — organisation and role, never a name — when, why, and the outcome. */
import { api } from '../../api/client.ts';
import type { AccessEntry } from '../../api/types.ts';
import { useLoad } from '../../app/data.ts';
import { ErrorAlert, Loading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function AccessHistory({
  personId,
  purpose,
  groupLabel,
}: {
  personId: string;
  purpose: string;
  groupLabel(name: string): string;
}) {
  const { t, maybe, formatDate } = useI18n();
  const history = useLoad(
    () =>
      api
        .get<{ entries: AccessEntry[] }>(`/api/persons/${personId}/access-history`, { purpose })
        .then((r) => r.entries),
    [personId, purpose],
  );
  return (
    <section aria-labelledby="access-heading">
      <h2 id="access-heading">{t('access.title')}</h2>
      <ErrorAlert error={history.error} />
      {history.loading ? <Loading /> : null}
      {history.data ? (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">{t('access.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('access.when')}</th>
                <th scope="col">{t('access.who')}</th>
                <th scope="col">{t('access.what')}</th>
                <th scope="col">{t('access.why')}</th>
                <th scope="col">{t('access.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {history.data.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: history rows have no id of their own.
                <tr key={i}>
                  <td>{formatDate(e.time)}</td>
                  <td>
                    {e.organisation?.name ?? t('access.unknownOrganisation')}
                    {e.role ? ` · ${t(`role.${e.role}`)}` : ''}
                  </td>
                  <td>
                    {maybe(`action.${e.action}`) ?? e.action}
                    {e.fieldGroups.length > 0 ? ` (${e.fieldGroups.map(groupLabel).join(', ')})` : ''}
                  </td>
                  <td>{e.purpose ? (maybe(`purpose.${e.purpose}`) ?? e.purpose) : '—'}</td>
                  <td>
                    {e.decision === 'allow' ? t('access.allowed') : t('access.denied')}
                    {e.decision === 'deny' && e.reason ? ` — ${maybe(`reason.${e.reason}`) ?? e.reason}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
