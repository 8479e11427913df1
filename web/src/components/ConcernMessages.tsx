/** The exchange on a concern (GOV-4), oldest first: who wrote (the sender, the DPO or oversight), the day, the text. */
import type { ConcernMessage } from '../api/governance.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function ConcernMessages({
  messages,
  reader,
}: {
  messages: ConcernMessage[];
  reader: 'staff' | 'sender';
}) {
  const { t, formatDay } = useI18n();
  return (
    <ol className="messages">
      {messages.map((m, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: messages are only ever added at the end.
        <li key={i} className={`message message-${m.author}`}>
          <p className="message-meta">
            <strong>
              {m.author === 'sender'
                ? t(reader === 'sender' ? 'concernMessage.you' : 'concernMessage.sender')
                : t(`role.${m.author}`)}
            </strong>{' '}
            · {formatDay(m.sentOn)}
          </p>
          <p className="written" dir="auto">
            {m.text}
          </p>
        </li>
      ))}
    </ol>
  );
}
