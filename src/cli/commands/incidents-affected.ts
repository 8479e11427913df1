import { loadConfig } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import { noticeText } from '../../domain/incidents/notice-words.ts';
import type { GateRequest } from '../../gate/context.ts';
import type { AffectedSummary } from '../../gate/incident-affected.ts';
import { type Haven, openHaven } from '../../haven.ts';
import { type Account, getAccount, normaliseEmail } from '../../identity/accounts.ts';

import { accountIdByEmail } from '../../identity/factors.ts';
import { computeForIncident } from '../../incidents/affected-service.ts';
import { listIncidents } from '../../incidents/register.ts';
import { createLogger } from '../../observability/logger.ts';
import type { CommandIo } from './incidents.ts';

/**
 * `haven incidents affected|notices`: the people a breach affected (BRE-3) and the notices to them (BRE-2) for
 * operators, as a named staff account (`--as`) through the gate, like the web app: the DPO computes, issues and
 * prints; oversight and the auditor read the counts. Whoever runs it holds the server's key file, so, as for the
 * rest of `haven incidents`, no second factor is asked; the ledger records the account.
 *
 * Who may do what is the gate's decision alone (no role check here): a refusal — the wrong role, another
 * organisation's incident — is then ledgered by the gate like any other (AUD-1). Its events carry actor kind
 * `staff`, as `haven rights` (which also acts through the gate) does: the gate's actors are staff, partners and the
 * importer, and the event names the account that acted, which is what an auditor follows. `haven incidents
 * list|open|state|notify` write the register's own events, outside the gate, and mark them `cli`; marking these
 * gate events `cli` too would take a new kind of gate actor (src/gate/context.ts), which this command does not
 * justify. So an operator's breach work reads in the ledger as the named account's, whichever way it was done.
 */

interface Context {
  haven: Haven;
  request: GateRequest;
  organisationId: string;
  write: (text: string) => void;
}

async function asAccount<T>(
  email: string,
  io: CommandIo | undefined,
  work: (c: Context) => Promise<T>,
): Promise<T> {
  // A test may pass a Haven it holds open and a writer, as for `haven incidents` (commander never sets `io`).
  const given = io?.haven;
  const haven = given ?? (await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') }));
  const write = io?.write ?? ((text: string) => void process.stdout.write(text));
  try {
    const id = await accountIdByEmail(haven.db, normaliseEmail(email));
    const account = id ? await getAccount(haven.db, id) : undefined;
    if (account?.status !== 'active')
      throw new HavenError('account-not-found', `No active staff account ${email}.`, { status: 404 });
    return await work({
      haven,
      request: staffGateRequest(account),
      organisationId: account.organisationId,
      write,
    });
  } finally {
    if (!given) await haven.close();
  }
}

/**
 * A staff account's request through the gate from the command line. The gate knows staff, partners and the
 * importer; the ledger records the account with actor kind `staff` (auditActor), as for `haven rights`.
 */
export function staffGateRequest(
  account: Pick<Account, 'id' | 'organisationId' | 'role' | 'tier'>,
): GateRequest {
  return {
    actor: {
      kind: 'staff',
      accountId: account.id,
      organisationId: account.organisationId,
      role: account.role,
      tier: account.tier,
      assurance: 2,
    },
    purpose: undefined,
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The incident by its id or reference (INC-2026-001), read through the register (no SQL here). */

async function incidentId(c: Context, ref: string): Promise<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(ref)) return ref;
  const all = await listIncidents(c.haven.db, c.haven.incidents.keys, c.organisationId, { withTexts: false });
  const found = all.find((i) => i.reference === ref.toUpperCase());
  if (!found) throw new HavenError('not-found', `No incident ${ref} in your organisation.`, { status: 404 });
  return found.id;
}

function summaryText(s: AffectedSummary): string {
  const out = [
    `People affected: ${s.people} (${s.events} exposing ledger entries; ${s.denied} refused attempts not counted)`,
    `Source: ${s.source.kind} ${s.source.id}${s.source.key ? ` key ${s.source.key}` : ''}${
      s.attribution === 'partner-wide' ? ' (the ledger names the partner, not the key: partner-wide)' : ''
    }`,
    `Window: ${s.window.from} – ${s.window.to}; ledger read up to entry ${s.ledgerHead}; computed ${s.computedAt}`,
    'By category:',
    ...Object.entries(s.byCategory)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `  ${k.padEnd(16)} ${n}`),
    'By kind of exposure:',
    ...Object.entries(s.byExposure)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `  ${k.padEnd(16)} ${n}`),
    `Notices: ${s.notices.issued} (${s.notices.portal} portal, ${s.notices.letters} letters; ${s.notices.read} read, ${s.notices.printed} printed)`,
  ];
  return `${out.join('\n')}\n`;
}

export async function incidentsAffected(
  ref: string,
  options: { as: string; compute?: boolean; json?: boolean; io?: CommandIo },
) {
  await asAccount(options.as, options.io, async (c) => {
    const id = await incidentId(c, ref);
    const summary = options.compute
      ? await computeForIncident(
          {
            db: c.haven.db,
            gate: c.haven.gate,
            dictionary: c.haven.dictionary,
            incidentKeys: c.haven.incidents.keys,
            now: () => c.haven.clock.now(),
          },
          c.request,
          id,
        )
      : await c.haven.gate.affectedSummary(c.request, id);
    if (!summary)
      throw new HavenError('affected-not-computed', 'Not computed yet: run it with --compute (DPO).', {
        status: 404,
      });
    c.write(options.json ? json(summary) : summaryText(summary));
  });
}

export async function incidentsNotices(
  ref: string,
  options: { as: string; issue?: boolean; letters?: boolean; all?: boolean; json?: boolean; io?: CommandIo },
) {
  await asAccount(options.as, options.io, async (c) => {
    const id = await incidentId(c, ref);
    if (options.issue) {
      const issued = await c.haven.gate.issueBreachNotices(c.request, id);
      if (options.json) return c.write(json(issued));
      c.write(
        `${issued.drill ? 'Drafted (drill, nothing sent)' : 'Issued'}: ${issued.issued} notices — ${issued.portal} portal, ${issued.letters} letters; ${issued.skipped} erased since. Languages: ${Object.entries(
          issued.byLanguage,
        )
          .map(([l, n]) => `${l} ${n}`)
          .join(', ')}\n`,
      );
      return;
    }
    if (!options.letters) {
      throw new HavenError('notices-what', 'Say what to do: --issue, or --letters to print them.', {
        status: 400,
      });
    }
    // The letters as plain text, a form feed between them (a page each on a printer); names read are ledgered.
    const letters = await c.haven.gate.breachLetters(c.request, id, { all: options.all === true });
    const incident = (
      await listIncidents(c.haven.db, c.haven.incidents.keys, c.organisationId, { withTexts: true })
    ).find((i) => i.id === id);
    const contact = incident?.texts?.contactPoint ?? null;
    if (options.json) return c.write(json(letters.map((l) => ({ ...l, contact }))));
    const pages = letters.map((l) => {
      const text = noticeText({ ...l, from: l.window.from, to: l.window.to, contact });
      const name = [l.name?.given, l.name?.family].filter(Boolean).join(' ');
      const latin = [l.name?.givenLatin, l.name?.familyLatin].filter(Boolean).join(' ');
      return [
        ...(text.drillMark ? [`*** ${text.drillMark} ***`, ''] : []),
        [name, latin].filter(Boolean).join(' · '),
        '',
        text.title,
        '',
        ...text.sections.flatMap((s) => [s.heading, s.text, '']),
        text.reference,
      ].join('\n');
    });
    c.write(pages.length ? `${pages.join('\n\f')}\n` : 'No letters to print.\n');
    // Printed here, for the operator's printer: the notices' progress and the work list follow it.
    if (letters.length > 0)
      await c.haven.gate.markLettersPrinted(
        c.request,
        id,
        letters.map((l) => l.id),
      );
  });
}
