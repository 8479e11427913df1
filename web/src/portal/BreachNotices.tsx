/**
 * BRE-2, GDPR 34: notices of breaches that affected the person, shown when they sign in — in the language the
 * portal is set to (they chose it), in plain words, the same words as the printed letter. Showing a notice records
 * that it was read (the DPO sees how many were). A drill's notices never come here (the server leaves them out).
 */
import { useEffect, useState } from 'react';
import type { NoticeLanguage, NoticeText } from '../../../src/domain/incidents/notice-words.ts';
import { call } from './api.ts';
import { useWords } from './i18n.ts';

interface BreachNotice {
  id: string;
  reference: string;
  organisation: string;
  sourceKind: 'account' | 'partner' | 'partner-credential';
  window: { from: string; to: string };
  categories: string[];
  onlyConfirmed: boolean;
  contact: string | null;
  issuedAt: string;
  readAt: string | null;
}

type Words = typeof import('../../../src/domain/incidents/notice-words.ts');

export function BreachNotices() {
  const { t, language } = useWords();
  const [notices, setNotices] = useState<BreachNotice[] | null>(null);
  // The words of all six languages load only when there is a notice to show: the portal's first load stays small.
  const [words, setWords] = useState<Words | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let current = true;
    call<BreachNotice[]>('GET', '/api/me/breach-notices').then(
      async (list) => {
        if (!current) return;
        if (list.length > 0) {
          const loaded = await import('../../../src/domain/incidents/notice-words.ts');
          if (current) setWords(loaded);
        }
        if (current) setNotices(list);
        // Shown now: the first reading is recorded (BRE-2: the DPO sees who was reached).
        for (const n of list.filter((n) => n.readAt === null))
          void call('POST', `/api/me/breach-notices/${n.id}/read`, {}).catch(() => undefined);
      },
      () => current && setFailed(true),
    );
    return () => {
      current = false;
    };
  }, []);

  if (failed) return <p role="alert">{t('me.breach.failed')}</p>;
  if (!notices || notices.length === 0 || !words) return null;
  const tag = (words.isNoticeLanguage(language.tag) ? language.tag : 'en') as NoticeLanguage;
  return (
    <section aria-labelledby="breach-title" className="breach-notices">
      <h2 id="breach-title">{t('me.breach.title')}</h2>
      {notices.map((n) => {
        const text: NoticeText = words.noticeText({
          language: tag,
          organisation: n.organisation,
          reference: n.reference,
          sourceKind: n.sourceKind,
          from: n.window.from,
          to: n.window.to,
          categories: n.categories,
          onlyConfirmed: n.onlyConfirmed,
          contact: n.contact,
          drill: false,
        });
        return (
          <article key={n.id} className="breach-notice" aria-labelledby={`breach-${n.id}`}>
            <h3 id={`breach-${n.id}`}>{text.title}</h3>
            {text.sections.map((s) => (
              <div key={s.heading}>
                <h4>{s.heading}</h4>
                <p>{s.text}</p>
              </div>
            ))}
            <p className="hint">
              <bdi>{text.reference}</bdi>
            </p>
          </article>
        );
      })}
    </section>
  );
}
