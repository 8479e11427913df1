import { type Clock, clockOf } from '../domain/incidents/clock.ts';
import type { Incident } from './register.ts';

/**
 * An incident as HTTP, the CLI and the web app show it: times as RFC 3339 text, and its clock now (BRE-2).
 */
export interface ClockView {
  state: Clock['state'];
  dueAt: string;
  leftMs: number | null;
  lateMs: number;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function clockView(incident: Incident, now: Date): ClockView {
  const clock = clockOf(
    {
      awareAt: incident.awareAt,
      notifiedAt: incident.notification?.at ?? null,
      noNotificationReason: incident.noNotificationReason,
    },
    now,
  );
  return { state: clock.state, dueAt: clock.dueAt.toISOString(), leftMs: clock.leftMs, lateMs: clock.lateMs };
}

export function incidentView(incident: Incident, now: Date) {
  return {
    id: incident.id,
    reference: incident.reference,
    drill: incident.drill,
    state: incident.state,
    version: incident.version,
    awareAt: incident.awareAt.toISOString(),
    recordedAt: incident.recordedAt.toISOString(),
    recordedBy: incident.recordedBy,
    nature: incident.nature,
    dataCategories: incident.dataCategories,
    peopleCategories: incident.peopleCategories,
    peopleApprox: incident.peopleApprox,
    recordsApprox: incident.recordsApprox,
    highRisk: incident.highRisk,
    texts: incident.texts,
    source: incident.source,
    window: { from: iso(incident.window.from), to: iso(incident.window.to) },
    steps: {
      confirmedAt: iso(incident.steps.confirmedAt),
      containedAt: iso(incident.steps.containedAt),
      closedAt: iso(incident.steps.closedAt),
      affectedComputedAt: iso(incident.steps.affectedComputedAt),
    },
    notification:
      incident.notification === null
        ? null
        : { ...incident.notification, at: incident.notification.at.toISOString() },
    noNotificationReason: incident.noNotificationReason,
    clock: clockView(incident, now),
  };
}

export type IncidentView = ReturnType<typeof incidentView>;
