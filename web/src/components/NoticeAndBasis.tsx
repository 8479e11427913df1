/**
 * PUR-3, PUR-5: the privacy notice of the purpose, read to the person in their language, then their consent
 * (how it was given) or another legal basis with its justification.
 */
import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { Notice, Purpose } from '../api/types.ts';
import { useLoad } from '../app/data.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { ErrorAlert, FormField, Loading, TextAreaField } from './ui.tsx';

export type Basis =
  | {
      kind: 'consent';
      noticeVersion: string;
      noticeLanguage: string;
      method: 'written' | 'oral-with-witness' | 'guardian';
      witnessAccountId?: string;
      guardianRelationship?: string;
    }
  | { kind: string; justification: string };

export interface Colleague {
  id: string;
  email: string;
  role: string;
}

export function NoticeAndBasis({
  purpose,
  onBasis,
  problems,
}: {
  purpose: Purpose;
  onBasis(basis: Basis | null): void;
  problems: Map<string, string>;
}) {
  const { t, language } = useI18n();
  const [noticeLanguage, setNoticeLanguage] = useState(language.tag === 'prs' ? 'prs' : language.tag);
  const notice = useLoad(
    () =>
      api.get<Notice>(`/api/notices/${encodeURIComponent(purpose.name)}`, {
        query: { language: noticeLanguage },
      }),
    [purpose.name, noticeLanguage],
  );
  const colleagues = useLoad(() => api.get<{ staff: Colleague[] }>('/api/staff').then((r) => r.staff), []);
  const [kind, setKind] = useState<string>(purpose.legalBases.includes('consent') ? 'consent' : '');
  const [method, setMethod] = useState<'written' | 'oral-with-witness' | 'guardian'>('written');
  const [witness, setWitness] = useState('');
  const [guardian, setGuardian] = useState('');
  const [justification, setJustification] = useState('');
  const [agreed, setAgreed] = useState(false);

  const noticeData = notice.data;
  useEffect(() => {
    if (kind === 'consent') {
      if (!agreed || !noticeData) return onBasis(null);
      onBasis({
        kind: 'consent',
        noticeVersion: noticeData.version,
        noticeLanguage: noticeData.language,
        method,
        ...(method === 'oral-with-witness' && witness ? { witnessAccountId: witness } : {}),
        ...(method === 'guardian' && guardian ? { guardianRelationship: guardian } : {}),
      });
    } else if (kind) onBasis({ kind, justification });
    else onBasis(null);
  }, [kind, method, witness, guardian, justification, agreed, noticeData, onBasis]);

  return (
    <>
      <section className="notice-box" aria-labelledby="notice-heading">
        <h2 id="notice-heading">{t('register.noticeTitle')}</h2>
        <FormField label={t('register.noticeLanguage')} hint={t('register.noticeLanguageHint')}>
          {({ id, describedBy }) => (
            <select
              id={id}
              aria-describedby={describedBy}
              value={noticeLanguage}
              onChange={(e) => setNoticeLanguage(e.target.value)}
            >
              {(
                noticeData?.languages ?? [{ tag: noticeLanguage, name: noticeLanguage, direction: 'ltr' }]
              ).map((l) => (
                <option key={l.tag} value={l.tag} lang={l.tag}>
                  {l.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
        {notice.loading ? <Loading /> : null}
        <ErrorAlert error={notice.error} />
        {noticeData ? (
          <article className="notice-text" lang={noticeData.language} dir={noticeData.direction}>
            <h3>{noticeData.title}</h3>
            {noticeData.paragraphs.map((p) => (
              <p key={p}>{p}</p>
            ))}
            <p className="notice-version" dir="ltr">
              {t('register.noticeVersion', { version: noticeData.version })}
            </p>
          </article>
        ) : null}
      </section>

      <fieldset className="group">
        <legend>{t('register.basisTitle')}</legend>
        {purpose.legalBases.map((basis) => (
          <label key={basis} className="choice">
            <input
              type="radio"
              name="basis"
              value={basis}
              checked={kind === basis}
              onChange={() => setKind(basis)}
            />
            {t(`basis.${basis}`)}
          </label>
        ))}
        {problems.get('basis/kind') ? <p className="field-error">{problems.get('basis/kind')}</p> : null}
      </fieldset>

      {kind === 'consent' ? (
        <fieldset className="group">
          <legend>{t('register.consentTitle')}</legend>
          <FormField label={t('register.consentMethod')}>
            {({ id }) => (
              <select id={id} value={method} onChange={(e) => setMethod(e.target.value as typeof method)}>
                <option value="written">{t('consentMethod.written')}</option>
                <option value="oral-with-witness">{t('consentMethod.oral-with-witness')}</option>
                <option value="guardian">{t('consentMethod.guardian')}</option>
              </select>
            )}
          </FormField>
          {method === 'oral-with-witness' ? (
            <FormField label={t('register.witness')} error={problems.get('basis/witnessAccountId')} required>
              {({ id, describedBy }) => (
                <select
                  id={id}
                  aria-describedby={describedBy}
                  value={witness}
                  onChange={(e) => setWitness(e.target.value)}
                >
                  <option value="">{t('form.choose')}</option>
                  {(colleagues.data ?? []).map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.email} · {t(`role.${c.role}`)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          ) : null}
          {method === 'guardian' ? (
            <FormField
              label={t('register.guardian')}
              error={problems.get('basis/guardianRelationship')}
              required
            >
              {({ id, describedBy }) => (
                <select
                  id={id}
                  aria-describedby={describedBy}
                  value={guardian}
                  onChange={(e) => setGuardian(e.target.value)}
                >
                  <option value="">{t('form.choose')}</option>
                  {['mother', 'father', 'legal-guardian', 'other-relative'].map((r) => (
                    <option key={r} value={r}>
                      {t(`guardian.${r}`)}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
          ) : null}
          <label className="choice consent-confirm">
            <input type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.target.checked)} />
            {t('register.consentConfirm')}
          </label>
        </fieldset>
      ) : kind ? (
        <TextAreaField
          label={t('register.justification')}
          hint={t('register.justificationHint')}
          error={problems.get('basis/justification')}
          required
          value={justification}
          onChange={setJustification}
        />
      ) : null}
    </>
  );
}
