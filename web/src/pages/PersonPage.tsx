/**
 * The case view (PUR-1, ACC-9, AUD-5): the purpose first, then the field groups it and the staff member's role
 * allow, and for each withheld group why; consent history and withdrawal; corrections; legal holds (RET-1);
 * who looked.
 */
import { type ReactNode, useState } from 'react';
import { ApiError, api } from '../api/client.ts';
import type { Dictionary, PersonView, Purpose, Withheld } from '../api/types.ts';
import { useDictionary, useLoad, usePurposes } from '../app/data.ts';
import { useRouter } from '../app/router.tsx';
import { useAccount } from '../app/session.tsx';
import { displayName } from '../components/MatchList.tsx';
import { useLabels } from '../components/PersonForm.tsx';
import { PurposePicker, usablePurposes } from '../components/PurposePicker.tsx';
import { Button, ErrorAlert, Loading, PageHeading } from '../components/ui.tsx';
import { GroupValues } from '../components/Values.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { AccessHistory } from './person/AccessHistory.tsx';
import { BreakGlass } from './person/BreakGlass.tsx';
import { Caseload } from './person/Caseload.tsx';
import { ConsentHistory } from './person/ConsentHistory.tsx';
import { LegalHolds } from './person/LegalHolds.tsx';
import { PersonCard } from './person/PersonCard.tsx';
import { ProposeCorrection } from './person/ProposeCorrection.tsx';

export default function PersonPage({ id }: { id: string }) {
  const { t } = useI18n();
  const { search, navigate } = useRouter();
  const purposes = usePurposes();
  const dictionary = useDictionary();
  const purpose = search.get('purpose') ?? '';
  const [chosen, setChosen] = useState(purpose);

  if (purposes.loading || dictionary.loading) return <Loading />;
  if (!purposes.data || !dictionary.data) return <ErrorAlert error={purposes.error ?? dictionary.error} />;

  const current = purposes.data.find((p) => p.name === purpose);
  if (!current) {
    return (
      <div>
        <PageHeading>{t('person.choosePurposeTitle')}</PageHeading>
        <p>{t('person.choosePurposeExplain')}</p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen) navigate(`/persons/${id}?purpose=${encodeURIComponent(chosen)}`);
          }}
        >
          <PurposePicker
            purposes={usablePurposes(purposes.data)}
            value={chosen}
            onChange={setChosen}
            legend={t('person.purpose')}
          />
          <Button type="submit" disabled={!chosen}>
            {t('person.open')}
          </Button>
        </form>
      </div>
    );
  }
  return <CaseView id={id} purpose={current} purposes={purposes.data} dictionary={dictionary.data} />;
}

function CaseView({
  id,
  purpose,
  purposes,
  dictionary,
}: {
  id: string;
  purpose: Purpose;
  purposes: Purpose[];
  dictionary: Dictionary;
}) {
  const { t, maybe } = useI18n();
  const account = useAccount();
  const labels = useLabels();
  const { navigate } = useRouter();
  const person = useLoad(
    () => api.get<PersonView>(`/api/persons/${id}`, { purpose: purpose.name }),
    [id, purpose.name],
  );
  const view = person.data;
  // A refusal of the whole record still says, per group, why (ACC-9).
  const refusal = person.error instanceof ApiError ? person.error : undefined;
  const withheld = view?.withheld ?? refusal?.withheld ?? [];
  const canBreakGlass = ['clerk', 'caseworker', 'supervisor'].includes(account.role);
  const name = view ? displayName(view.data) : { native: '', latin: '' };
  const title = name.native || name.latin || t('person.title');
  const group = (g: string) => {
    const found = dictionary.groups.find((x) => x.name === g);
    return found ? labels.group(found) : g;
  };

  return (
    <div className="case-view">
      <PageHeading>{title}</PageHeading>
      {name.native && name.latin ? (
        <p className="subtitle" dir="ltr">
          {name.latin}
        </p>
      ) : null}
      <div className="purpose-bar">
        <label htmlFor="case-purpose">{t('person.purpose')}</label>
        <select
          id="case-purpose"
          value={purpose.name}
          onChange={(e) =>
            navigate(`/persons/${id}?purpose=${encodeURIComponent(e.target.value)}`, { replace: true })
          }
        >
          {usablePurposes(purposes).map((p) => (
            <option key={p.name} value={p.name} disabled={!p.usable}>
              {maybe(`purpose.${p.name}`) ?? p.title}
            </option>
          ))}
        </select>
        {view?.breakGlass ? <span className="tag tag-danger">{t('person.breakGlassView')}</span> : null}
      </div>

      {person.loading ? <Loading /> : null}
      {withheld.length > 0 ? null : <ErrorAlert error={person.error} />}

      {view ? (
        <section aria-labelledby="details-heading">
          <h2 id="details-heading">{t('person.details')}</h2>
          {Object.keys(view.data).length === 0 ? <p>{t('person.nothingPermitted')}</p> : null}
          <GroupValues dictionary={dictionary} data={view.data} />
        </section>
      ) : null}

      {withheld.length > 0 ? (
        <WithheldList withheld={withheld} groupLabel={group}>
          {canBreakGlass ? (
            <BreakGlass
              personId={id}
              purpose={purpose.name}
              groups={withheld.map((w) => w.group)}
              groupLabel={group}
              onStarted={person.reload}
            />
          ) : null}
        </WithheldList>
      ) : null}

      {/* A record refused as a whole still shows its consent history, so consent can be given again. */}
      {view || withheld.length > 0 ? (
        <>
          <ConsentHistory personId={id} purpose={purpose} purposes={purposes} onChanged={person.reload} />
          {view && ['clerk', 'caseworker'].includes(account.role) ? (
            <ProposeCorrection personId={id} purpose={purpose} dictionary={dictionary} view={view} />
          ) : null}
          {account.role === 'supervisor' ? <Caseload personId={id} purpose={purpose.name} /> : null}
          {['clerk', 'caseworker', 'supervisor'].includes(account.role) ? <PersonCard personId={id} /> : null}
          {/* RET-1: holds run under the gate's own purpose, whatever the one declared here. */}
          {['supervisor', 'dpo'].includes(account.role) ? (
            <LegalHolds personId={id} dictionary={dictionary} />
          ) : null}
          {['caseworker', 'supervisor', 'dpo'].includes(account.role) ? (
            <AccessHistory personId={id} purpose={purpose.name} groupLabel={group} />
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function WithheldList({
  withheld,
  groupLabel,
  children,
}: {
  withheld: Withheld[];
  groupLabel(name: string): string;
  children?: ReactNode;
}) {
  const { t, maybe } = useI18n();
  return (
    <section aria-labelledby="withheld-heading" className="withheld">
      <h2 id="withheld-heading">{t('person.withheldTitle')}</h2>
      <ul>
        {withheld.map((w) => (
          <li key={w.group}>
            <strong>{groupLabel(w.group)}</strong>
            {w.fields && w.fields.length > 0 ? (
              <span className="fields">{` (${t('person.someFields', { count: w.fields.length })})`}</span>
            ) : null}
            <ul className="reasons">
              {w.reasons.map((r) => (
                <li key={r} data-reason={r}>
                  {maybe(`reason.${r}`) ?? r}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {children}
    </section>
  );
}
