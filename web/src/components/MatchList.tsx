import type { Dictionary, SearchMatch, Values } from '../api/types.ts';
import { Link } from '../app/router.tsx';
import { useI18n } from '../i18n/i18n.tsx';

/** The name a person is shown by: in their own script and in Latin letters, where the purpose allows either. */
export function displayName(data: Record<string, Values>): { native: string; latin: string } {
  const identity = data.identity ?? {};
  const join = (...parts: unknown[]) => parts.filter((p) => typeof p === 'string' && p).join(' ');
  return {
    native: join(identity['given-name'], identity['fathers-name'], identity['family-name']),
    latin: join(identity['given-name-latin'], identity['fathers-name-latin'], identity['family-name-latin']),
  };
}

export function MatchList({
  matches,
  purpose,
}: {
  matches: SearchMatch[];
  purpose: string;
  dictionary: Dictionary;
}) {
  const { t } = useI18n();
  if (matches.length === 0) return <p role="status">{t('search.none')}</p>;
  return (
    <ul className="matches">
      {matches.map((m) => {
        const name = displayName(m.data);
        const identity = m.data.identity ?? {};
        const born = identity['date-of-birth'] ?? identity['estimated-age'];
        return (
          <li key={m.id} className="match">
            <Link to={`/persons/${m.id}?purpose=${encodeURIComponent(purpose)}`}>
              <span dir="auto" className="name-native">
                {name.native || t('search.nameWithheld')}
              </span>
              {name.latin ? (
                <span dir="ltr" className="name-latin">
                  {name.latin}
                </span>
              ) : null}
            </Link>
            <span className={`tag tag-${m.match}`}>{t(`search.match.${m.match}`)}</span>
            {born !== undefined ? (
              <span className="born">
                {identity['date-of-birth'] !== undefined
                  ? t('search.born', { date: String(born) })
                  : t('search.age', { age: Number(born) })}
              </span>
            ) : null}
            {m.withheld.length > 0 ? (
              <span className="withheld-count">{t('search.someWithheld')}</span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
