/**
 * The person's card (issue 16): staff issue it at the desk with the PIN the person types themselves, then print it —
 * the code in groups of four and a QR code of it, for the person portal (/me). The code is shown this once; a new
 * card (lost, locked, PIN forgotten) kills the old one.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { QrCode } from '../../components/QrCode.tsx';
import { Button, ErrorAlert, FormField, Notice } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function PersonCard({ personId }: { personId: string }) {
  const { t } = useI18n();
  const [pin, setPin] = useState('');
  const [issued, setIssued] = useState<{ code: string } | null>(null);
  const [error, setError] = useState<unknown>();

  const issue = async () => {
    setError(undefined);
    try {
      setIssued(await api.post<{ code: string }>(`/api/persons/${personId}/card`, { pin }));
      setPin('');
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-labelledby="card-heading" className="person-card">
      <h2 id="card-heading">{t('card.title')}</h2>
      <p>{t('card.explain')}</p>
      <ErrorAlert error={error} />
      {issued ? (
        <div className="card-print">
          <Notice>{t('card.issued')}</Notice>
          <p className="card-code" dir="ltr" translate="no">
            {issued.code}
          </p>
          <QrCode text={issued.code} label={t('card.qrLabel')} />
          <p>{t('card.portal', { address: `${window.location.origin}/me` })}</p>
          <div className="actions">
            <Button onClick={() => window.print()}>{t('card.print')}</Button>
          </div>
        </div>
      ) : null}
      <FormField label={t('card.pin')} hint={t('card.pinHint')}>
        {({ id, describedBy }) => (
          <input
            id={id}
            aria-describedby={describedBy}
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={8}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
        )}
      </FormField>
      <div className="actions">
        <Button disabled={pin.length < 4} onClick={() => void issue()}>
          {issued ? t('card.reissue') : t('card.issue')}
        </Button>
      </div>
    </section>
  );
}
