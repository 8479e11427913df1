import { type FormEvent, useEffect, useState } from 'react';
import { call, type Overview, type PortalRequest } from './api.ts';
import { useWords } from './i18n.ts';

const KINDS = ['access', 'portability', 'correction', 'erasure', 'restriction', 'objection'] as const;

/** RIG-1: a request in the person's own words; the card and PIN count as the identity check. */
export function NewRequest({ onSent }: { onSent(message: string): void }) {
  const w = useWords();
  const { t } = w;
  const [kind, setKind] = useState<string>('');
  const [purpose, setPurpose] = useState('');
  const [purposes, setPurposes] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    call<Overview>('GET', '/api/me').then(
      (o) => setPurposes([...new Set(o.purposes.map((p) => p.purpose))]),
      () => setPurposes([]),
    );
  }, []);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!kind) return setError(t('me.request.chooseKind'));
    if (kind === 'objection' && !purpose) return setError(t('me.request.choosePurpose'));
    setError(null);
    try {
      const made = await call<PortalRequest>('POST', '/api/me/requests', {
        kind,
        ...(kind === 'objection' ? { purpose } : {}),
      });
      onSent(t('me.request.sent', { date: w.day(made.dueOn) }));
    } catch {
      setError(t('me.error.other'));
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>{t('me.request.title')}</h1>
      <p>{t('me.request.explain')}</p>
      <form onSubmit={send} noValidate>
        <fieldset>
          <legend>{t('me.request.kind')}</legend>
          {KINDS.map((k) => (
            <label key={k} className="choice">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              <span>
                <strong>{t(`me.kind.${k}`)}</strong>
                <span className="hint">{t(`me.kind.${k}.explain`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {kind === 'objection' && (
          <>
            <label htmlFor="objection-purpose">{t('me.request.purpose')}</label>
            <select id="objection-purpose" value={purpose} onChange={(e) => setPurpose(e.target.value)}>
              <option value="">{t('me.request.purposeNone')}</option>
              {purposes.map((p) => (
                <option key={p} value={p}>
                  {w.maybe(`purpose.${p}`) ?? p}
                </option>
              ))}
            </select>
          </>
        )}
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          {t('me.request.send')}
        </button>
      </form>
    </>
  );
}
