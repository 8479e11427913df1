/**
 * Registration: purpose → the notice in the person's language → consent or another basis → the purpose's
 * fields only → possible duplicates (found through the blind indexes) → save.
 */
import { type FormEvent, useCallback, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { SearchMatch, Values } from '../api/types.ts';
import { useDictionary, usePurposes } from '../app/data.ts';
import { Link } from '../app/router.tsx';
import { MatchList } from '../components/MatchList.tsx';
import { type Basis, NoticeAndBasis } from '../components/NoticeAndBasis.tsx';
import { compact, PersonForm, useProblemText } from '../components/PersonForm.tsx';
import { PurposePicker, usablePurposes } from '../components/PurposePicker.tsx';
import { Button, ErrorAlert, Loading, Notice, PageHeading } from '../components/ui.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export default function RegisterPage() {
  const { t } = useI18n();
  const dictionary = useDictionary();
  const purposes = usePurposes();
  const [purposeName, setPurposeName] = useState('');
  const [basis, setBasis] = useState<Basis | null>(null);
  const [values, setValues] = useState<Values>({});
  const [error, setError] = useState<unknown>();
  const [duplicates, setDuplicates] = useState<SearchMatch[] | null>(null);
  const [saved, setSaved] = useState<{ id: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const problemText = useProblemText();
  const onBasis = useCallback((b: Basis | null) => setBasis(b), []);

  if (dictionary.loading || purposes.loading) return <Loading />;
  if (!dictionary.data || !purposes.data) return <ErrorAlert error={dictionary.error ?? purposes.error} />;
  const purpose = purposes.data.find((p) => p.name === purposeName);
  const problems = problemText(error instanceof ApiError ? error.fields : []);

  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.post<{ id: string }>(
        '/api/persons',
        { values: compact(values), basis },
        { purpose: purposeName },
      );
      setSaved(created);
      setDuplicates(null);
    } catch (e) {
      setError(e);
      setDuplicates(null);
    } finally {
      setBusy(false);
    }
  };

  const checkThenSave = async (event: FormEvent) => {
    event.preventDefault();
    if (!basis) {
      setError(new ApiError(400, { code: 'basis-missing', message: t('register.basisMissing') }));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const name = [
        values['given-name-latin'] ?? values['given-name'],
        values['family-name-latin'] ?? values['family-name'],
      ]
        .filter((v) => typeof v === 'string' && v.trim())
        .join(' ');
      if (name) {
        const found = await api.post<{ matches: SearchMatch[] }>(
          '/api/persons/search',
          {
            name,
            similar: true,
            limit: 10,
            ...(typeof values['date-of-birth'] === 'string' ? { dateOfBirth: values['date-of-birth'] } : {}),
          },
          { purpose: purposeName },
        );
        if (found.matches.length > 0) {
          setDuplicates(found.matches);
          setBusy(false);
          return;
        }
      }
    } catch {
      // A refused or failed duplicate check does not block registration; the server checks everything again.
    }
    await save();
  };

  if (saved) {
    return (
      <div>
        <PageHeading>{t('register.savedTitle')}</PageHeading>
        <Notice kind="success">{t('register.saved')}</Notice>
        <p>
          <Link to={`/persons/${saved.id}?purpose=${encodeURIComponent(purposeName)}`}>
            {t('register.openRecord')}
          </Link>
        </p>
        <Button
          onClick={() => {
            setSaved(null);
            setValues({});
            setBasis(null);
            setPurposeName('');
          }}
        >
          {t('register.another')}
        </Button>
      </div>
    );
  }

  const required = new Set((purpose?.require ?? []).filter((r) => r.length === 1).map((r) => r[0]!));
  return (
    <div>
      <PageHeading>{t('register.title')}</PageHeading>
      <form onSubmit={checkThenSave} noValidate>
        <PurposePicker
          purposes={usablePurposes(purposes.data).filter((p) => p.legalBases.length > 0)}
          value={purposeName}
          onChange={(name) => {
            setPurposeName(name);
            setBasis(null);
          }}
          legend={t('register.purpose')}
        />
        {purpose ? (
          <>
            <NoticeAndBasis key={purpose.name} purpose={purpose} onBasis={onBasis} problems={problems} />
            <h2>{t('register.detailsTitle')}</h2>
            <p className="hint">{t('register.detailsHint', { required: [...required].length })}</p>
            <PersonForm
              dictionary={dictionary.data}
              fields={purpose.collect}
              values={values}
              onChange={setValues}
              problems={problems}
            />
            <ErrorAlert error={error} />
            {duplicates ? (
              <section className="duplicates" aria-labelledby="duplicates-heading">
                <h2 id="duplicates-heading">{t('register.duplicatesTitle')}</h2>
                <p>{t('register.duplicatesExplain', { count: duplicates.length })}</p>
                <MatchList matches={duplicates} purpose={purposeName} dictionary={dictionary.data} />
                <div className="actions">
                  <Button onClick={() => void save()} busy={busy}>
                    {t('register.notDuplicate')}
                  </Button>
                  <Button variant="secondary" onClick={() => setDuplicates(null)}>
                    {t('register.backToForm')}
                  </Button>
                </div>
              </section>
            ) : (
              <Button type="submit" busy={busy}>
                {t('register.save')}
              </Button>
            )}
          </>
        ) : null}
      </form>
    </div>
  );
}
