/**
 * One concern (GOV-4): the exchange with its sender, and the steps the DPO or oversight takes — acknowledge it,
 * answer (the sender reads the answer with their follow-up code), close it. Each step is in the audit ledger.
 */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { Concern } from '../../api/governance.ts';
import { useLoad } from '../../app/data.ts';
import { useFormAction } from '../../app/form-action.ts';
import { Link } from '../../app/router.tsx';
import { ConcernMessages } from '../../components/ConcernMessages.tsx';
import { Button, Dialog, ErrorAlert, Loading, PageHeading, TextAreaField } from '../../components/ui.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { ConcernClock, ConcernState } from './ConcernsPage.tsx';
import { Tag, useFieldErrors, useNotice } from './common.tsx';

export default function ConcernPage({ id }: { id: string }) {
  const { t, formatDay, languageName } = useI18n();
  const loaded = useLoad(() => api.get<Concern>(`/api/concerns/${encodeURIComponent(id)}`), [id]);
  const [concern, setConcern] = useState<Concern | null>(null);
  const { notice, show } = useNotice();
  const [answer, setAnswer] = useState('');
  const [closing, setClosing] = useState(false);
  const c = concern ?? loaded.data;

  const step = async (kind: 'acknowledge' | 'close', done: string) => {
    setConcern(await api.post<Concern>(`/api/concerns/${encodeURIComponent(id)}/${kind}`));
    show(done);
  };
  const acknowledge = useFormAction(() => step('acknowledge', 'concern.acknowledgedNow'));
  const close = useFormAction(() => step('close', 'concern.closedNow'));
  const send = useFormAction(async () => {
    setConcern(await api.post<Concern>(`/api/concerns/${encodeURIComponent(id)}/answer`, { text: answer }));
    setAnswer('');
    show('concern.answeredNow');
  });
  const field = useFieldErrors(send.error);

  return (
    <div>
      <p>
        <Link to="/governance/concerns">{t('concern.back')}</Link>
      </p>
      <PageHeading>{t('concern.title')}</PageHeading>
      {notice}
      <ErrorAlert error={loaded.error ?? acknowledge.error ?? close.error} />
      {loaded.loading && !c ? <Loading /> : null}
      {c ? (
        <>
          <dl className="facts">
            <div>
              <dt>{t('concerns.received')}</dt>
              <dd>{formatDay(c.receivedOn)}</dd>
            </div>
            <div>
              <dt>{t('concerns.state')}</dt>
              <dd>
                <ConcernState concern={c} />{' '}
                {c.aboutDpo ? <Tag kind="warn">{t('concerns.aboutDpo')}</Tag> : null}
              </dd>
            </div>
            <div>
              <dt>{t('concerns.clock')}</dt>
              <dd>
                <ConcernClock concern={c} />
              </dd>
            </div>
            <div>
              <dt>{t('concerns.language')}</dt>
              <dd>{languageName(c.language)}</dd>
            </div>
          </dl>
          <h2>{t('concern.exchange')}</h2>
          <ConcernMessages messages={c.messages} reader="staff" />
          {c.closedOn ? (
            <p>{t('concern.isClosed')}</p>
          ) : (
            <>
              <form onSubmit={(e) => void send.submit(e)} noValidate>
                <TextAreaField
                  label={t('concern.answer')}
                  hint={t('concern.answerHint')}
                  rows={5}
                  required
                  maxLength={10_000}
                  value={answer}
                  onChange={setAnswer}
                  error={field('text')}
                />
                <ErrorAlert error={send.error} />
                <Button type="submit" busy={send.busy}>
                  {t('concern.send')}
                </Button>
              </form>
              <div className="actions">
                {c.acknowledgedOn ? null : (
                  <Button
                    variant="secondary"
                    busy={acknowledge.busy}
                    onClick={() => void acknowledge.submit()}
                  >
                    {t('concern.acknowledge')}
                  </Button>
                )}
                <Button variant="secondary" onClick={() => setClosing(true)}>
                  {t('concern.close')}
                </Button>
              </div>
              <Dialog title={t('concern.closeTitle')} open={closing} onClose={() => setClosing(false)}>
                <p>{t('concern.closeExplain')}</p>
                <div className="actions">
                  <Button
                    variant="danger"
                    busy={close.busy}
                    onClick={async () => {
                      await close.submit();
                      setClosing(false);
                    }}
                  >
                    {t('concern.close')}
                  </Button>
                  <Button variant="secondary" onClick={() => setClosing(false)}>
                    {t('common.cancel')}
                  </Button>
                </div>
              </Dialog>
            </>
          )}
        </>
      ) : null}
    </div>
  );
}
