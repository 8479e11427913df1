import { addToDay } from '../../domain/calendar.ts';
import type { Dictionary } from '../../domain/dictionary/index.ts';
import { HavenError } from '../../domain/errors.ts';
import type { Actor } from '../../gate/context.ts';
import type { PurposeRegister } from '../../gate/purposes.ts';
import type { AuditActor } from '../../ledger/events.ts';
import { changeAgreement, proposeAgreement } from '../../sharing/agreements.ts';
import { createPartner, type SharingActor } from '../../sharing/partners.ts';
import type { Database } from '../../store/database.ts';

/**
 * The demo's partners (issue 17), made the way staff make them: an NGO that distributes cash and the host
 * state's refugee authority, each with an agreement the supervisor proposed and the DPO approved (ACC-6). The host
 * authority receives only what statistics may read. Neither has a key yet: a partner sends its own public key.
 */
export interface DemoPartner {
  id: string;
  name: string;
  kind: string;
  agreementId: string;
  agreementStatus: string;
}

export async function createDemoPartners(
  env: { db: Database; dictionary: Dictionary; purposes: PurposeRegister },
  organisationId: string,
  team: { supervisor: Actor; dpo: Actor },
  audit: (actor: Actor) => AuditActor,
  now: Date,
): Promise<DemoPartner[]> {
  const as = (actor: Actor): SharingActor => ({
    account: actor.kind === 'staff' ? actor.accountId : '',
    audit: audit(actor),
  });
  const today = now.toISOString().slice(0, 10);
  const plans = [
    {
      partner: {
        name: 'Demo Cash Partners (NGO)',
        jurisdiction: 'KEN',
        kind: 'ngo' as const,
        contacts: [{ name: 'Data protection desk', email: 'dp@cash-partners.demo.example' }],
        webhookUrl: 'https://cash-partners.demo.example/haven/pushes',
      },
      agreement: {
        title: 'Cash assistance distribution',
        purposes: ['assistance-distribution'],
        fields: ['given-name', 'family-name', 'phone', 'household-size', 'current-location'],
        legalBasis: 'public-interest',
        partnerRetention: '6 months',
      },
    },
    {
      partner: {
        name: 'Demo Department of Refugee Services (host state)',
        jurisdiction: 'KEN',
        kind: 'host-state-authority' as const,
        actsForCountry: 'KEN',
        contacts: [{ name: 'Statistics unit', email: 'stats@drs.demo.example' }],
      },
      agreement: {
        title: 'Monthly arrival statistics',
        purposes: ['statistics'],
        fields: ['sex', 'estimated-age', 'nationality', 'legal-status'],
        legalBasis: 'public-interest',
        partnerRetention: '1 year',
      },
    },
  ];
  const made: DemoPartner[] = [];
  for (const plan of plans) {
    const partner = await createPartner(env.db, organisationId, plan.partner, as(team.dpo));
    const proposed = await proposeAgreement(
      env.db,
      env.dictionary,
      organisationId,
      {
        ...plan.agreement,
        partnerId: partner.id,
        startsOn: today,
        endsOn: addToDay(today, { months: 12 }),
        onwardSharingBanned: true,
      },
      as(team.supervisor),
      now,
    );
    let status = proposed.status;
    try {
      status = (
        await changeAgreement(
          env.db,
          env.purposes,
          organisationId,
          proposed.id,
          'approve',
          undefined,
          as(team.dpo),
          now,
        )
      ).status;
    } catch (error) {
      // A purpose without a DPIA in force (an instance with its own): the proposal waits for the DPO.
      if (!(error instanceof HavenError) || error.code !== 'agreement-dpia-missing') throw error;
    }
    made.push({
      id: partner.id,
      name: partner.name,
      kind: partner.kind,
      agreementId: proposed.id,
      agreementStatus: status,
    });
  }
  return made;
}
