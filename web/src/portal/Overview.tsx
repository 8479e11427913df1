import { useCallback, useEffect, useState } from 'react';
import { call, downloadAnswer, type Overview as OverviewData, type PurposeState } from './api.ts';
import { BreachNotices } from './BreachNotices.tsx';
import { Dialog } from './Dialog.tsx';
import { useWords } from './i18n.ts';

/** The person's record at a glance: who keeps it, each purpose with its notice and consent, their requests. */
export function Overview() {
  const w = useWords();
  const { t } = w;
  const [data, setData] = useState<OverviewData | null>(null);
  const [failed, setFailed] = useState(false);
  const [asking, setAsking] = useState<PurposeState | null>(null);
  const [said, setSaid] = useState<string | null>(null);

  const load = useCallback(
    () =>
      call<OverviewData>('GET', '/api/me').then(setData, () => {
        setFailed(true);
      }),
    [],
  );
  useEffect(() => void load(), [load]);

  const purposeName = (p: string) => w.maybe(`purpose.${p}`) ?? p;

  const withdraw = async (purpose: string) => {
    setAsking(null);
    try {
      await call('POST', `/api/me/consents/${purpose}/withdraw`, {});
      setSaid(t('me.withdraw.done', { purpose: purposeName(purpose) }));
    } catch {
      setSaid(t('me.error.other'));
    }
    await load();
  };

  return (
    <>
      <h1 tabIndex={-1}>{t('me.home.title')}</h1>
      {/* BRE-2: a breach notice comes first, right under the page's heading. */}
      <BreachNotices />

      {said && (
        <p className="notice" role="status">
          {said}
        </p>
      )}
      {failed && (
        <p className="error" role="alert">
          {t('me.error.other')}
        </p>
      )}
      {!data ? (
        !failed && <p className="loading">{t('me.loading')}</p>
      ) : (
        <>
          <p>{t('me.home.organisation', { organisation: data.organisation })}</p>
          <section aria-labelledby="uses">
            <h2 id="uses">{t('me.home.uses')}</h2>
            <ul className="cards">
              {data.purposes.map((p) => (
                <li key={`${p.purpose}-${p.basis}`} className="card">
                  <h3>{purposeName(p.purpose)}</h3>
                  <p>
                    {p.basis !== 'consent'
                      ? (w.maybe(`me.basis.${p.basis}`) ?? t('me.basis.other'))
                      : p.state === 'given'
                        ? t('me.consent.given', { date: w.day(p.since) })
                        : t('me.consent.withdrawn', { date: w.day(p.since) })}
                  </p>
                  {p.noticeGiven && (
                    <p>
                      {t('me.notice.given', {
                        version: p.noticeGiven.version,
                        language: p.noticeGiven.language ? w.languageName(p.noticeGiven.language) : '—',
                      })}
                    </p>
                  )}
                  {p.noticeCurrent &&
                    (p.noticeGiven?.version === p.noticeCurrent ? (
                      <p>{t('me.notice.same')}</p>
                    ) : (
                      <p className="newer">{t('me.notice.newer', { version: p.noticeCurrent })}</p>
                    ))}
                  {p.withdrawable && (
                    <button type="button" onClick={() => setAsking(p)}>
                      {t('me.withdraw.button', { purpose: purposeName(p.purpose) })}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="requests">
            <h2 id="requests">{t('me.requests.title')}</h2>
            {data.requests.length === 0 ? (
              <p>{t('me.requests.none')}</p>
            ) : (
              <ul className="cards">
                {data.requests.map((r) => (
                  <li key={r.id} className="card">
                    <h3>{w.maybe(`me.kind.${r.kind}`) ?? r.kind}</h3>
                    <p>{t('me.requests.state', { state: w.maybe(`rights.state.${r.state}`) ?? r.state })}</p>
                    <p>{t('me.requests.received', { date: w.day(r.receivedOn) })}</p>
                    <p>{t('me.requests.due', { date: w.day(r.dueOn) })}</p>
                    {r.answerReady && (
                      <button type="button" className="button" onClick={() => void downloadAnswer(r.id)}>
                        {t('me.requests.download')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
      {asking && (
        <Dialog
          title={t('me.withdraw.title', { purpose: purposeName(asking.purpose) })}
          onClose={() => setAsking(null)}
        >
          <p>{t('me.withdraw.explain')}</p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => void withdraw(asking.purpose)}>
              {t('me.withdraw.confirm')}
            </button>
            <button type="button" onClick={() => setAsking(null)}>
              {t('me.cancel')}
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
