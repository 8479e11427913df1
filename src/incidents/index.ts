/**
 * The incidents capability (BRE): the register and the authority's clock (BRE-1, BRE-2), drills. What other
 * modules use (the annual report, issue 20: `drillFigures`) is exported here.
 */
export {
  type IncidentActor,
  type IncidentChange,
  incidentRefusalLedgered,
  moveIncident,
  notificationDraft,
  notifyAuthority,
  openIncident,
  recordNoNotification,
  updateIncident,
} from './changes.ts';
export { type DrillFigure, type DrillFigures, drillFigures } from './drills.ts';
export {
  type Incident,
  type IncidentKeys,
  type IncidentSource,
  incidentIdByReference,
  incidentKeys,
  listIncidents,
  markAffectedComputed,
  readIncident,
} from './register.ts';
