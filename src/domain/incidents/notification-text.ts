import { type Clock, NOTIFY_WITHIN_HOURS } from './clock.ts';
import type { IncidentText, LateReason } from './register.ts';

/**
 * The draft notification to the supervisory authority (BRE-2), in the order of GDPR 33(3): (a) the nature,
 * categories and approximate numbers of people and records; (b) the contact point; (c) the likely consequences;
 * (d) the measures taken and proposed. The DPO edits it before recording what was actually sent. Missing parts are
 * named as such, so a draft never hides a gap (GDPR 33(4) allows giving them in phases).
 */

export interface DraftInput {
  reference: string;
  drill: boolean;
  organisationName: string;
  awareAt: Date;
  nature: readonly string[];
  dataCategories: readonly string[];
  peopleCategories: readonly string[];
  peopleApprox: number | null;
  recordsApprox: number | null;
  highRisk: boolean;
  texts: Record<IncidentText, string | null>;
  source: { kind: string } | null;
  window: { from: Date | null; to: Date | null };
  clock: Clock;
}

const NATURE_WORDS: Record<string, string> = {
  confidentiality: 'confidentiality (personal data disclosed to or accessed by people not entitled to it)',
  integrity: 'integrity (personal data altered without authority)',
  availability: 'availability (personal data lost or made inaccessible)',
};

const LATE_WORDS: Record<LateReason, string> = {
  'investigation-needed': 'the investigation needed to establish the facts took longer',
  'information-in-phases': 'the information is given in phases as it becomes available (GDPR 33(4))',
  'authority-unreachable': 'the authority could not be reached in time',
  'processor-told-late': 'our processor told us late',
  other: 'another reason (see below)',
};

const MISSING = '[not yet known — to be provided in phases, GDPR 33(4)]';
const time = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const number = (n: number | null, what: string) =>
  n === null ? `${what}: ${MISSING}` : `${what}: about ${n}`;
const list = (values: readonly string[]) => (values.length === 0 ? MISSING : values.join(', '));

export function draftNotification(input: DraftInput): string {
  const lines: string[] = [];
  if (input.drill) {
    lines.push('DRILL — THIS IS AN EXERCISE, NOT A NOTIFICATION. Do not send.', '');
  }
  lines.push(
    `Notification of a personal data breach (GDPR Article 33) — ${input.organisationName}, reference ${input.reference}`,
    '',
    `We became aware of the breach on ${time(input.awareAt)}.`,
  );
  if (input.clock.state === 'overdue' || input.clock.state === 'notified-late') {
    lines.push(
      `This notification comes later than ${NOTIFY_WITHIN_HOURS} hours after we became aware; the reason is given below.`,
    );
  }
  lines.push(
    '',
    '1. Nature of the breach (Art. 33(3)(a))',
    `Breach of ${input.nature.map((n) => NATURE_WORDS[n] ?? n).join('; ') || MISSING}.`,
    input.texts.description ?? MISSING,
  );
  if (input.window.from || input.window.to) {
    lines.push(
      `Period: from ${input.window.from ? time(input.window.from) : MISSING} to ${input.window.to ? time(input.window.to) : MISSING}.`,
    );
  }
  lines.push(
    `Categories of data concerned: ${list(input.dataCategories)}.`,
    `Categories of people concerned: ${list(input.peopleCategories)}.`,
    `${number(input.peopleApprox, 'Approximate number of people concerned')}.`,
    `${number(input.recordsApprox, 'Approximate number of records concerned')}.`,
    '',
    '2. Contact point for more information (Art. 33(3)(b))',
    input.texts.contactPoint ?? MISSING,
    '',
    '3. Likely consequences (Art. 33(3)(c))',
    input.texts.consequences ?? MISSING,
    input.highRisk
      ? 'We assess the risk to the people concerned as high: we will tell them directly (Art. 34).'
      : 'We do not assess the risk to the people concerned as high.',
    '',
    '4. Measures taken or proposed (Art. 33(3)(d))',
    `Taken: ${input.texts.measuresTaken ?? MISSING}`,
    `Proposed: ${input.texts.measuresProposed ?? MISSING}`,
  );
  return lines.join('\n');
}

/** The words for a late reason, for the draft's last part once the DPO chose one. */
export const lateReasonWords = (reason: LateReason): string => LATE_WORDS[reason];
