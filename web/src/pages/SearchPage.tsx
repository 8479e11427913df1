/** Find a person by name in either script, date of birth, phone or document number (through blind indexes). */
import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { SearchMatch } from '../api/types.ts';
import { useDictionary, usePurposes } from '../app/data.ts';
import { MatchList } from '../components/MatchList.tsx';
import { useProblemText } from '../components/PersonForm.tsx';
import { PurposePicker, usablePurposes } from '../components/PurposePicker.tsx';
import { Button, ErrorAlert, Loading, PageHeading, TextField } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export default function SearchPage() {
  const { t } = useI18n();
  const purposes = usePurposes();
  const dictionary = useDictionary();
  const [purpose, setPurpose] = useState('registration');
  const [criteria, setCriteria] = useState({ name: '', dateOfBirth: '', phone: '', documentNumber: '' });
  const [similar, setSimilar] = useState(true);
  const [matches, setMatches] = useState<SearchMatch[] | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const problemText = useProblemText();
  const problems = problemText(error instanceof ApiError ? error.fields : []);
  const set = (key: keyof typeof criteria) => (value: string) => setCriteria({ ...criteria, [key]: value });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const body: Record<string, unknown> = { similar, limit: 25 };
    for (const [key, value] of Object.entries(criteria)) if (value.trim()) body[key] = value.trim();
    try {
      setMatches(
        (await api.post<{ matches: SearchMatch[] }>('/api/persons/search', body, { purpose })).matches,
      );
    } catch (e) {
      setError(e);
      setMatches(null);
    } finally {
      setBusy(false);
    }
  };

  if (purposes.loading || dictionary.loading) return <Loading />;
  return (
    <div>
      <PageHeading>{t('search.title')}</PageHeading>
      <form onSubmit={submit} noValidate className="search-form">
        <PurposePicker
          purposes={usablePurposes(purposes.data)}
          value={purpose}
          onChange={setPurpose}
          legend={t('search.purpose')}
        />
        <fieldset className="group">
          <legend>{t('search.criteria')}</legend>
          <TextField
            label={t('search.name')}
            hint={t('search.nameHint')}
            value={criteria.name}
            onChange={set('name')}
            dir="auto"
            error={problems.get('name')}
          />
          <TextField
            label={t('search.dateOfBirth')}
            hint={t('hint.partialDate')}
            value={criteria.dateOfBirth}
            onChange={set('dateOfBirth')}
            dir="ltr"
            error={problems.get('dateOfBirth')}
          />
          <TextField
            label={t('search.phone')}
            hint={t('hint.phone')}
            value={criteria.phone}
            onChange={set('phone')}
            type="tel"
            dir="ltr"
            error={problems.get('phone')}
          />
          <TextField
            label={t('search.documentNumber')}
            value={criteria.documentNumber}
            onChange={set('documentNumber')}
            dir="ltr"
            error={problems.get('documentNumber')}
          />
          <label className="choice">
            <input type="checkbox" checked={similar} onChange={(e) => setSimilar(e.target.checked)} />
            {t('search.similar')}
          </label>
        </fieldset>
        <Button type="submit" busy={busy}>
          {t('search.submit')}
        </Button>
      </form>
      <ErrorAlert error={error} />
      {matches && dictionary.data ? (
        <section aria-labelledby="results-heading" aria-live="polite">
          <h2 id="results-heading">{t('search.results', { count: matches.length })}</h2>
          <MatchList matches={matches} purpose={purpose} dictionary={dictionary.data} />
        </section>
      ) : null}
    </div>
  );
}
