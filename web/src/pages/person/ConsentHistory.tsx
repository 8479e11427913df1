/** PUR-3, PUR-4: every consent and legal basis ever recorded, and withdrawing as easy as giving. */
import { useCallback, useState } from 'react';
import { ApiError, api } from '../../api/client.ts';
import type { ConsentEntry, Purpose } from '../../api/types.ts';
import { useLoad } from '../../app/data.ts';
import { type Basis, NoticeAndBasis } from '../../components/NoticeAndBasis.tsx';
import { useProblemText } from '../../components/PersonForm.tsx';
import { Button, Dialog, ErrorAlert, Loading, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function ConsentHistory({
  personId,
  purpose,
  purposes,
  onChanged,
}: {
  personId: string;
  purpose: Purpose;
  purposes: Purpose[];
  onChanged(): void;
}) {
  const { t, maybe, formatDate, languageName } = useI18n();
  const history = useLoad(
    () =>
      api
        .get<{ entries: ConsentEntry[] }>(`/api/persons/${personId}/consents`, { purpose: purpose.name })
        .then((r) => r.entries),
    [personId, purpose.name],
  );
  const [withdrawing, setWithdrawing] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<unknown>();
  // The message id and purpose, not the text: a language switch must translate it too.
  const [done, setDone] = useState<{ message: string; purpose: string } | null>(null);

  const title = (name: string) =>
    maybe(`purpose.${name}`) ?? purposes.find((p) => p.name === name)?.title ?? name;
  // The basis in force per purpose is the latest entry; a purpose whose latest entry is a grant can be withdrawn.
  const latest = new Map<string, ConsentEntry>();
  for (const entry of history.data ?? []) {
    const seen = latest.get(entry.purpose);
    if (!seen || seen.recordedAt <= entry.recordedAt) latest.set(entry.purpose, entry);
  }
  const withdrawable = [...latest.values()].filter((e) => e.action === 'grant' && e.basis === 'consent');

  const withdraw = async (name: string) => {
    setError(undefined);
    try {
      await api.post(
        `/api/persons/${personId}/consents/withdraw`,
        { purpose: name },
        { purpose: purpose.name },
      );
      setWithdrawing(null);
      setDone({ message: 'consent.withdrawn', purpose: name });
      history.reload();
      onChanged();
    } catch (e) {
      setError(e);
      setWithdrawing(null);
    }
  };

  return (
    <section aria-labelledby="consent-heading">
      <h2 id="consent-heading">{t('consent.title')}</h2>
      {done ? <Notice kind="success">{t(done.message, { purpose: title(done.purpose) })}</Notice> : null}
      <ErrorAlert error={error ?? history.error} />
      {history.loading ? <Loading /> : null}
      {history.data ? (
        history.data.length === 0 ? (
          <p>{t('consent.none')}</p>
        ) : (
          <table>
            <caption className="visually-hidden">{t('consent.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('consent.when')}</th>
                <th scope="col">{t('consent.purpose')}</th>
                <th scope="col">{t('consent.basis')}</th>
                <th scope="col">{t('consent.action')}</th>
                <th scope="col">{t('consent.details')}</th>
              </tr>
            </thead>
            <tbody>
              {history.data.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.recordedAt)}</td>
                  <td>{title(e.purpose)}</td>
                  <td>{t(`basis.${e.basis}`)}</td>
                  <td>{t(`consent.action.${e.action}`)}</td>
                  <td>
                    {e.details && typeof e.details.noticeVersion === 'string'
                      ? t('consent.noticeDetails', {
                          version: e.details.noticeVersion,
                          language: languageName(String(e.details.noticeLanguage ?? '')),
                          method:
                            maybe(`consentMethod.${String(e.details.method)}`) ?? String(e.details.method),
                        })
                      : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
      <div className="actions">
        {withdrawable.map((e) => (
          <Button key={e.purpose} variant="danger" onClick={() => setWithdrawing(e.purpose)}>
            {t('consent.withdraw', { purpose: title(e.purpose) })}
          </Button>
        ))}
        <Button variant="secondary" onClick={() => setAdding(true)}>
          {t('consent.record')}
        </Button>
      </div>
      <Dialog
        title={t('consent.withdrawTitle')}
        open={withdrawing !== null}
        onClose={() => setWithdrawing(null)}
      >
        <p>{t('consent.withdrawExplain', { purpose: withdrawing ? title(withdrawing) : '' })}</p>
        <div className="actions">
          <Button variant="danger" onClick={() => withdrawing && void withdraw(withdrawing)}>
            {t('consent.withdrawConfirm')}
          </Button>
          <Button variant="secondary" onClick={() => setWithdrawing(null)}>
            {t('common.cancel')}
          </Button>
        </div>
      </Dialog>
      <RecordConsent
        open={adding}
        personId={personId}
        purposes={purposes}
        current={purpose.name}
        onClose={() => setAdding(false)}
        onRecorded={(name) => {
          setAdding(false);
          setDone({ message: 'consent.recorded', purpose: name });
          history.reload();
          onChanged();
        }}
      />
    </section>
  );
}

function RecordConsent({
  open,
  personId,
  purposes,
  current,
  onClose,
  onRecorded,
}: {
  open: boolean;
  personId: string;
  purposes: Purpose[];
  current: string;
  onClose(): void;
  onRecorded(purpose: string): void;
}) {
  const { t, maybe } = useI18n();
  const [name, setName] = useState(current);
  const [basis, setBasis] = useState<Basis | null>(null);
  const [error, setError] = useState<unknown>();
  const problemText = useProblemText();
  const onBasis = useCallback((b: Basis | null) => setBasis(b), []);
  const purpose = purposes.find((p) => p.name === name);
  const submit = async () => {
    setError(undefined);
    if (!basis) {
      setError(new ApiError(400, { code: 'basis-missing', message: t('register.basisMissing') }));
      return;
    }
    try {
      await api.post(`/api/persons/${personId}/consents`, { purpose: name, basis }, { purpose: current });
      onRecorded(name);
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Dialog title={t('consent.record')} open={open} onClose={onClose}>
      <label className="field">
        {t('consent.purpose')}
        <select value={name} onChange={(e) => setName(e.target.value)}>
          {purposes
            .filter((p) => p.usable && p.legalBases.length > 0)
            .map((p) => (
              <option key={p.name} value={p.name}>
                {maybe(`purpose.${p.name}`) ?? p.title}
              </option>
            ))}
        </select>
      </label>
      {purpose ? (
        <NoticeAndBasis
          key={purpose.name}
          purpose={purpose}
          onBasis={onBasis}
          problems={problemText(error instanceof ApiError ? error.fields : [])}
        />
      ) : null}
      <ErrorAlert error={error} />
      <div className="actions">
        <Button onClick={() => void submit()}>{t('consent.save')}</Button>
        <Button variant="secondary" onClick={onClose}>
          {t('common.cancel')}
        </Button>
      </div>
    </Dialog>
  );
}
