/**
 * BRE-2: an incident's 72-hour clock in words — time left, overdue, or how it stopped. Said in words as well as
 * colour (WCAG 1.4.1); shared by the banner, the incidents list and the incident page.
 */
import type { IncidentClock } from '../../api/incidents.ts';
import { useI18n } from '../../i18n/i18n.tsx';

export function useClockText() {
  const { t, formatDate, formatNumber } = useI18n();
  return (clock: IncidentClock, now: number = Date.now()): string => {
    const parts = (ms: number) => {
      const minutes = Math.floor(Math.abs(ms) / 60_000);
      return { hours: formatNumber(Math.floor(minutes / 60)), minutes: formatNumber(minutes % 60) };
    };
    const due = formatDate(clock.dueAt);
    const left = Date.parse(clock.dueAt) - now;
    switch (clock.state) {
      case 'running':
      case 'overdue':
        return left >= 0
          ? t('incidents.clock.running', { ...parts(left), due })
          : t('incidents.clock.overdue', { ...parts(left), due });
      case 'notified':
        return t('incidents.clock.notified');
      case 'notified-late':
        return t('incidents.clock.notifiedLate', parts(clock.lateMs));
      case 'not-required':
        return t('incidents.clock.notRequired');
    }
  };
}

/** Whether the clock is still waiting for the DPO, and how urgent it is (for the colour). */
export function clockTone(clock: IncidentClock, now: number = Date.now()): 'bad' | 'warn' | 'good' | 'plain' {
  if (clock.state === 'notified' || clock.state === 'not-required') return 'good';
  if (clock.state === 'notified-late') return 'plain';
  const left = Date.parse(clock.dueAt) - now;
  return left < 0 ? 'bad' : left < 24 * 3_600_000 ? 'warn' : 'plain';
}
