import type { Dictionary } from '../../domain/dictionary/index.ts';
import type { DpiaContent } from '../../domain/dpia/dpia.ts';
import type { Actor } from '../../gate/context.ts';
import type { PurposeRegister } from '../../gate/purposes.ts';
import { createDpia, type DpiaActor, decideDpia, submitDpia, updateDraft } from '../../governance/dpias.ts';
import { updateOrganisationProfile } from '../../governance/organisation-profile.ts';
import { type ProcessorInput, saveProcessor } from '../../governance/processors.ts';
import type { AuditActor } from '../../ledger/events.ts';
import type { Database } from '../../store/database.ts';

/**
 * The demo's governance, made the way staff make it: the organisation's profile for the record of processing,
 * a DPIA for every purpose that needs one — written by the supervisor, approved by the DPO (ACC-6) — and the
 * processors. One DPIA is left to lapse: resettlement referral was assessed thirteen months ago and its review
 * date has passed, so the gate refuses that purpose (PUR-6) and the DPO's work list says so. DPIAs are kept
 * per instance: a purpose that already has one (another organisation's demo, or a real one) is left alone.
 */
export const EXPIRED_DEMO_PURPOSE = 'resettlement-referral';

export interface DemoGovernance {
  dpiasApproved: string[];
  dpiaExpired: string | null;
  processors: number;
}

const DAY = 86_400_000;
const isoDay = (at: Date) => at.toISOString().slice(0, 10);

function demoDpia(dictionary: Dictionary, purpose: string, reviewDate: string): DpiaContent {
  const title = dictionary.purpose(purpose)?.title ?? purpose;
  const risk = (event: string, description: string, measures: string[]) => ({
    event,
    description,
    rating: { likelihood: 3 as const, severity: 4 as const },
    measures,
    residual: { likelihood: 1 as const, severity: 4 as const },
  });
  return {
    description:
      `Demonstration assessment written by haven demo for “${title}”: not a real assessment. ` +
      'Replace it with your own before processing real people’s data.',
    necessity:
      'The purpose cannot be served without the fields of its minimal data set; nothing else is collected.',
    proportionality:
      'Each field is kept only as long as its retention rule says; tiers limit who reads the sensitive ones.',
    risks: [
      risk(
        'illegitimate-access',
        'The authorities of a country of origin, or anyone who seizes a device, obtain records.',
        [
          'A key per person, kept outside the database',
          'Purpose and consent on every access',
          'Second factor',
        ],
      ),
      risk('unwanted-change', 'A record is altered to deny someone protection or assistance.', [
        'Two-person approval of corrections',
        'Tamper-evident audit ledger with published checkpoints',
      ]),
      risk('disappearance', 'Records are lost with a server or a field device.', [
        'Encrypted backups kept apart',
        'Crash-safe group commit',
      ]),
    ],
    consultation: {
      sought: true,
      summary: 'Demonstration: meetings with community representatives would be summarised here.',
    },
    reviewDate,
  };
}

const DEMO_PROCESSORS: ProcessorInput[] = [
  {
    name: 'Nimbus Cloud Hosting',
    service: 'Hosting of Haven’s database servers and encrypted backups',
    categories: ['name', 'demographic', 'contact', 'legal-status', 'protection'],
    purposes: ['registration', 'protection-case-management', 'assistance-distribution'],
    locations: ['KEN', 'DEU'],
    transferSafeguard: 'Standard contractual clauses (Commission decision 2021/914), module 2',
    contractSigned: '2026-01-15',
    contractExpires: '2028-01-14',
    dpaSigned: '2026-01-15',
    lastAudit: '2026-06-02',
    nextAudit: '2027-06-01',
  },
  {
    name: 'Relay SMS',
    service: 'Text messages with distribution dates and appointment times',
    categories: ['contact'],
    purposes: ['assistance-distribution'],
    locations: ['KEN'],
    contractSigned: '2025-03-01',
    contractExpires: '2027-02-28',
    dpaSigned: '2025-03-01',
    // Lapsed: the demo DPO's work list and the public record both show it.
    dpaExpires: '2026-09-30',
  },
];

export async function createDemoGovernance(
  env: { db: Database; dictionary: Dictionary; purposes: PurposeRegister },
  organisationId: string,
  team: { supervisor: Actor; dpo: Actor },
  audit: (actor: Actor) => AuditActor,
  now: Date,
): Promise<DemoGovernance> {
  const as = (actor: Actor): DpiaActor => ({
    account: actor.kind === 'staff' ? actor.accountId : '',
    audit: audit(actor),
  });
  await updateOrganisationProfile(
    env.db,
    organisationId,
    {
      contact: 'Demo field operation, PO Box 1000, Nairobi',
      dpoContact: 'dpo@demo.example (or ask any staff member for the DPO)',
      country: 'KEN',
    },
    audit(team.dpo),
  );
  const states = await env.purposes.states();
  const approved: string[] = [];
  let expired: string | null = null;
  for (const state of states.values()) {
    const name = state.definition.name;
    if (!state.dpia.required || state.dpia.latest) continue;
    const lapses = name === EXPIRED_DEMO_PURPOSE;
    // The lapsing one was written 13 months ago with a review date 20 days ago.
    const writtenOn = lapses ? new Date(now.getTime() - 395 * DAY) : now;
    const reviewDate = isoDay(new Date(now.getTime() + (lapses ? -20 : 365) * DAY));
    const content = demoDpia(env.dictionary, name, reviewDate);
    const draft = await createDpia(
      env.db,
      env.dictionary,
      { purpose: name, content: { ...content, consultation: { sought: false, reason: 'draft' } } },
      as(team.supervisor),
      writtenOn,
    );
    await updateDraft(env.db, draft.id, 1, content, as(team.supervisor), writtenOn);
    await submitDpia(env.db, draft.id, 1, as(team.supervisor), writtenOn);
    await decideDpia(
      env.db,
      draft.id,
      1,
      {
        approve: true,
        opinion: 'Demonstration opinion: the residual risks are acceptable with these measures.',
      },
      as(team.dpo),
      writtenOn,
    );
    if (lapses) expired = name;
    else approved.push(name);
  }
  env.purposes.invalidate();
  for (const processor of DEMO_PROCESSORS) {
    await saveProcessor(env.db, env.dictionary, organisationId, processor, audit(team.dpo), now);
  }
  return { dpiasApproved: approved, dpiaExpired: expired, processors: DEMO_PROCESSORS.length };
}
