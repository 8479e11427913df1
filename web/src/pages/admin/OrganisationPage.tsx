/**
 * The organisation as the record of processing names it (GOV-1, GDPR 30(1)(a)): its name, how to reach it and its
 * DPO, and the country it is established in (transfers are counted from there). Administrators change it; the DPO
 * and oversight read it. It is public: the transparency page shows it.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { OrganisationProfile } from '../../api/governance.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link } from '../../app/router.tsx';
import { useAccount } from '../../app/session.tsx';
import {
  Button,
  ErrorAlert,
  Loading,
  Notice,
  PageHeading,
  TextAreaField,
  TextField,
} from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useFieldErrors } from '../governance/common.tsx';

export default function OrganisationPage() {
  const { t } = useI18n();
  const account = useAccount();
  const profile = useLoad(() => api.get<OrganisationProfile>('/api/organisation'), []);
  return (
    <div>
      <PageHeading>{t('organisation.title')}</PageHeading>
      <p>
        {t('organisation.explain')} <Link to="/transparency">{t('organisation.public')}</Link>
      </p>
      <ErrorAlert error={profile.error} />
      {profile.loading && !profile.data ? <Loading /> : null}
      {profile.data ? (
        account.role === 'admin' ? (
          <ProfileForm profile={profile.data} onSaved={profile.reload} />
        ) : (
          <ProfileFacts profile={profile.data} />
        )
      ) : null}
    </div>
  );
}

function ProfileFacts({ profile }: { profile: OrganisationProfile }) {
  const { t } = useI18n();
  return (
    <dl className="facts">
      <div>
        <dt>{t('organisation.name')}</dt>
        <dd dir="auto">{profile.name}</dd>
      </div>
      <div>
        <dt>{t('organisation.slug')}</dt>
        <dd dir="ltr">
          <code>{profile.slug}</code>
        </dd>
      </div>
      <div>
        <dt>{t('organisation.contact')}</dt>
        <dd dir="auto" className="written">
          {profile.contact ?? t('organisation.notGiven')}
        </dd>
      </div>
      <div>
        <dt>{t('organisation.dpoContact')}</dt>
        <dd dir="auto" className="written">
          {profile.dpoContact ?? t('organisation.notGiven')}
        </dd>
      </div>
      <div>
        <dt>{t('organisation.country')}</dt>
        <dd dir="ltr">{profile.country ?? t('organisation.notGiven')}</dd>
      </div>
    </dl>
  );
}

function ProfileForm({ profile, onSaved }: { profile: OrganisationProfile; onSaved(): void }) {
  const { t } = useI18n();
  const [name, setName] = useState(profile.name);
  const [contact, setContact] = useState(profile.contact ?? '');
  const [dpoContact, setDpoContact] = useState(profile.dpoContact ?? '');
  const [country, setCountry] = useState(profile.country ?? '');
  const [saved, setSaved] = useState(false);
  const { busy, error, submit } = useFormAction(async () => {
    setSaved(false);
    // A text left empty is sent only when it clears what was there: empty is "not given", not a value.
    const text = (value: string, before: string | null) =>
      value.trim() ? value.trim() : before === null ? undefined : null;
    const change = {
      name: name.trim(),
      contact: text(contact, profile.contact),
      dpoContact: text(dpoContact, profile.dpoContact),
      country: text(country.toUpperCase(), profile.country),
    };
    const stored = await api.patch<OrganisationProfile>(
      '/api/organisation',
      Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
    );
    // The form shows what was stored, as the record of processing will show it.
    setName(stored.name);
    setContact(stored.contact ?? '');
    setDpoContact(stored.dpoContact ?? '');
    setCountry(stored.country ?? '');
    setSaved(true);
    onSaved();
  });
  const field = useFieldErrors(error);
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <TextField
        label={t('organisation.name')}
        dir="auto"
        required
        maxLength={200}
        value={name}
        onChange={setName}
        error={field('name')}
      />
      <p className="hint">
        {t('organisation.slug')}: <code dir="ltr">{profile.slug}</code>
      </p>
      <TextAreaField
        label={t('organisation.contact')}
        hint={t('organisation.contactHint')}
        maxLength={500}
        value={contact}
        onChange={setContact}
        error={field('contact')}
      />
      <TextAreaField
        label={t('organisation.dpoContact')}
        hint={t('organisation.dpoContactHint')}
        maxLength={500}
        value={dpoContact}
        onChange={setDpoContact}
        error={field('dpoContact')}
      />
      <TextField
        label={t('organisation.country')}
        hint={t('hint.country')}
        dir="ltr"
        maxLength={3}
        value={country}
        onChange={setCountry}
        error={field('country')}
      />
      {saved ? <Notice kind="success">{t('organisation.saved')}</Notice> : null}
      <ErrorAlert error={error} />
      <Button type="submit" busy={busy}>
        {t('organisation.save')}
      </Button>
    </form>
  );
}
