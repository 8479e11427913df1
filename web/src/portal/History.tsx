import { type FormEvent, useEffect, useState } from 'react';
import { call, type HistoryEntry } from './api.ts';
import { Dialog } from './Dialog.tsx';
import { useWords } from './i18n.ts';

interface Raised {
  followUpCode: string;
  acknowledgeBy: string;
  answerBy: string;
}

/** AUD-5: who used the record — organisation, role, purpose, date; emergency access and refusals said in words. */
export function History() {
  const w = useWords();
  const { t } = w;
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [questioned, setQuestioned] = useState<HistoryEntry | null>(null);

  useEffect(() => {
    call<{ history: HistoryEntry[] }>('GET', '/api/me/access-history').then(
      (reply) => setEntries(reply.history),
      () => setFailed(true),
    );
  }, []);

  const who = (e: HistoryEntry) =>
    e.actorKind === 'person' || e.actorKind === 'anonymous'
      ? t(e.decision === 'deny' ? 'me.history.someone' : 'me.history.you')
      : e.actorKind === 'staff'
        ? [e.organisation?.name, e.role ? (w.maybe(`role.${e.role}`) ?? e.role) : null]
            .filter(Boolean)
            .join(' · ')
        : t('me.history.system');

  return (
    <>
      <h1 tabIndex={-1}>{t('me.history.title')}</h1>
      <p>{t('me.history.explain')}</p>
      {failed && (
        <p className="error" role="alert">
          {t('me.error.other')}
        </p>
      )}
      {!entries ? (
        !failed && <p className="loading">{t('me.loading')}</p>
      ) : entries.length === 0 ? (
        <p>{t('me.history.none')}</p>
      ) : (
        <ol className="cards">
          {entries.map((e) => {
            const emergency = e.action.includes('break-glass');
            const refused = e.decision === 'deny';
            return (
              <li
                key={e.entry}
                className={`card${emergency ? ' emergency' : ''}${refused ? ' refused' : ''}`}
              >
                <h2 className="entry-title">
                  {w.maybe(
                    `me.action.${e.action}${e.action === 'portal.sign-in' && refused ? '-refused' : ''}`,
                  ) ??
                    w.maybe(`action.${e.action}`) ??
                    t('me.history.otherAction')}
                </h2>
                {emergency && <p className="flag">{t('me.history.emergency')}</p>}
                {refused && <p className="flag">{t('me.history.refused')}</p>}
                <p>{t('me.history.when', { date: w.dateTime(e.time) })}</p>
                <p>{t('me.history.who', { who: who(e) || '—' })}</p>
                {e.purpose && (
                  <p>{t('me.history.why', { purpose: w.maybe(`purpose.${e.purpose}`) ?? e.purpose })}</p>
                )}
                <button type="button" onClick={() => setQuestioned(e)}>
                  {t('me.history.notMe')}
                </button>
              </li>
            );
          })}
        </ol>
      )}
      {questioned && <Concern entry={questioned} onClose={() => setQuestioned(null)} />}
    </>
  );
}

/** "I don't recognise this": a concern to the DPO about one entry, with a code to follow it at /concern. */
function Concern({ entry, onClose }: { entry: HistoryEntry; onClose(): void }) {
  const w = useWords();
  const { t } = w;
  const [words, setWords] = useState('');
  const [raised, setRaised] = useState<Raised | null>(null);
  const [failed, setFailed] = useState(false);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    setFailed(false);
    try {
      setRaised(
        await call<Raised>('POST', `/api/me/access-history/${entry.entry}/concern`, {
          ...(words.trim() ? { words: words.trim() } : {}),
          language: w.language.tag,
        }),
      );
    } catch {
      setFailed(true);
    }
  };

  return (
    <Dialog title={t('me.concern.title')} onClose={onClose}>
      {raised ? (
        <div role="status">
          <p>{t('me.concern.sent')}</p>
          <p>{t('me.concern.code')}</p>
          <p className="code" dir="ltr">
            {raised.followUpCode}
          </p>
          <p>{t('me.concern.follow', { address: `${location.origin}/concern` })}</p>
          <p>{t('me.concern.answerBy', { date: w.day(raised.answerBy) })}</p>
          <button type="button" className="primary" onClick={onClose}>
            {t('me.close')}
          </button>
        </div>
      ) : (
        <form onSubmit={send}>
          <p>{t('me.concern.explain')}</p>
          <label htmlFor="concern-words">{t('me.concern.words')}</label>
          <textarea
            id="concern-words"
            rows={4}
            maxLength={2000}
            value={words}
            onChange={(e) => setWords(e.target.value)}
          />
          {failed && (
            <p className="error" role="alert">
              {t('me.error.other')}
            </p>
          )}
          <div className="actions">
            <button type="submit" className="primary">
              {t('me.concern.send')}
            </button>
            <button type="button" onClick={onClose}>
              {t('me.cancel')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
