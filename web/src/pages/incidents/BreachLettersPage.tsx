/**
 * BRE-2, GDPR 34: the letters to print for the people a breach affected who have no portal card (or everyone, with
 * "all") — one letter per person, each in the person's own language and direction (Arabic and Dari right to left),
 * a page each. The words are the portal's (src/domain/incidents/notice-words.ts). A drill's letters say so in large
 * letters: they are practice, never handed out. Opening this page reads each name, which the ledger records.
 */
import { useState } from 'react';
import { noticeText } from '../../../../src/domain/incidents/notice-words.ts';
import { type BreachLetter, getLetters, markPrinted } from '../../api/incidents-affected.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link } from '../../app/router.tsx';
import { Button, ErrorAlert, Loading, PageHeading } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import './breach-letters.css';

export default function BreachLettersPage({ id }: { id: string }) {
  const { t, formatNumber } = useI18n();
  const [all, setAll] = useState(false);
  const loaded = useLoad(() => getLetters(id, all), [id, all]);
  const letters = loaded.data;
  // Printing is recorded when staff print (the DPO's count and work list follow it), not when the page opens.
  const print = useFormAction(async () => {
    if (letters && letters.length > 0)
      await markPrinted(
        id,
        letters.map((l) => l.id),
      );
    window.print();
  });
  return (
    <div>
      <div className="no-print">
        <p>
          <Link to={`/incidents/${id}`}>{t('affected.letters.back')}</Link>
        </p>
        <PageHeading>{t('affected.letters.title')}</PageHeading>
        <p className="hint">{t('affected.letters.explain')}</p>
        <label className="checkbox">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />{' '}
          {t('affected.letters.all')}
        </label>
        <ErrorAlert error={loaded.error ?? print.error} />
        {loaded.loading ? <Loading /> : null}
        {letters ? (
          <p>
            {t('affected.letters.count', { letters: formatNumber(letters.length) })}{' '}
            {letters.length > 0 ? (
              <Button variant="secondary" busy={print.busy} onClick={() => print.submit()}>
                {t('affected.letters.print')}
              </Button>
            ) : null}
          </p>
        ) : null}
      </div>
      {letters?.map((letter) => (
        <Letter key={letter.id} letter={letter} />
      ))}
    </div>
  );
}

function Letter({ letter }: { letter: BreachLetter }) {
  const text = noticeText({
    language: letter.language,
    organisation: letter.organisation,
    reference: letter.reference,
    sourceKind: letter.sourceKind,
    from: letter.window.from,
    to: letter.window.to,
    categories: letter.categories,
    onlyConfirmed: letter.onlyConfirmed,
    contact: letter.contact,
    drill: letter.drill,
  });
  const name = letter.name;
  const written = [name?.given, name?.family].filter(Boolean).join(' ');
  const latin = [name?.givenLatin, name?.familyLatin].filter(Boolean).join(' ');
  const lang = letter.language === 'prs' ? 'fa-AF' : letter.language;
  return (
    <article className="breach-letter" lang={lang} dir={text.direction} aria-label={text.title}>
      {text.drillMark ? <p className="breach-letter-drill">{text.drillMark}</p> : null}
      <p className="breach-letter-to">
        {/* The name as the person writes it, and in Latin letters for whoever delivers the letter. */}
        {written ? <bdi>{written}</bdi> : null}
        {latin && latin !== written ? (
          <>
            {written ? ' · ' : null}
            <bdi dir="ltr">{latin}</bdi>
          </>
        ) : null}
      </p>
      <h2>{text.title}</h2>
      {text.sections.map((section) => (
        <section key={section.heading}>
          <h3>{section.heading}</h3>
          <p>{section.text}</p>
        </section>
      ))}
      <p className="breach-letter-reference">
        <bdi>{text.reference}</bdi>
      </p>
    </article>
  );
}
