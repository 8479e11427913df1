/**
 * BRE-2: on every page of the DPO, while a real incident (not a drill) waits to be notified to the supervisory
 * authority, a banner counts down the 72 hours (or says how long overdue) and links to the incident. A status
 * region that never takes focus; the countdown itself is a timer that screen readers do not announce each minute.
 */
import { useEffect, useState } from 'react';
import { type OpenClock, openClocks } from '../../api/incidents.ts';
import { Link } from '../../app/router.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useClockText } from './IncidentClock.tsx';

export function IncidentBanner() {
  const { t } = useI18n();
  const clockText = useClockText();
  const [open, setOpen] = useState<OpenClock[]>([]);
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    let stopped = false;
    const load = () =>
      openClocks()
        .then((clocks) => !stopped && setOpen(clocks))
        .catch(() => {});
    void load();
    const poll = setInterval(load, 60_000);
    const tick = setInterval(() => setNow(Date.now()), 30_000);
    window.addEventListener('haven:incidents', load);
    return () => {
      stopped = true;
      clearInterval(poll);
      clearInterval(tick);
      window.removeEventListener('haven:incidents', load);
    };
  }, []);

  if (open.length === 0) return null;
  const overdue = open.some((o) => Date.parse(o.clock.dueAt) < now);
  return (
    <section
      className={overdue ? 'incident-banner incident-banner-overdue' : 'incident-banner'}
      aria-label={t('incidents.banner.label')}
    >
      <p role="status">
        <strong>
          {overdue
            ? t('incidents.banner.overdue', { count: open.length })
            : t('incidents.banner.open', { count: open.length })}
        </strong>
      </p>
      <ul>
        {open.map((o) => (
          <li key={o.id}>
            <Link to={`/incidents/${o.id}`}>
              <bdi>{o.reference}</bdi>
            </Link>{' '}
            <span className="countdown" role="timer" aria-live="off">
              {clockText(o.clock, now)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
