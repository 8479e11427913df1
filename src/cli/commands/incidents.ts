import { readFileSync } from 'node:fs';
import { loadConfig } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import type { Role } from '../../domain/roles.ts';
import { type Haven, openHaven } from '../../haven.ts';
import { getAccount, normaliseEmail } from '../../identity/accounts.ts';
import { accountIdByEmail } from '../../identity/factors.ts';
import {
  drillFigures,
  type IncidentActor,
  incidentIdByReference,
  incidentRefusalLedgered,
  listIncidents,
  moveIncident,
  notificationDraft,
  notifyAuthority,
  openIncident,
  readIncident,
} from '../../incidents/index.ts';
import { type IncidentView, incidentView } from '../../incidents/view.ts';
import { recordAuditEvent } from '../../ledger/events.ts';
import { createLogger } from '../../observability/logger.ts';
import { staffGateRequest } from './incidents-affected.ts';

/**
 * `haven incidents list|show|open|state|notify|drills`: the incident register and the authority's clock for
 * operators (BRE-1, BRE-2), as a named staff account (`--as`): the DPO changes it, oversight and the auditor read
 * it (the auditor without the free texts), like the web app. Each change is a ledger event under that account
 * with the actor kind `cli`. A terminal cannot ask for a second factor: whoever runs the command on the server
 * already holds its key file, so the command is trusted like the server itself, and the ledger says it was used.
 */

const READERS: readonly Role[] = ['dpo', 'oversight', 'auditor'];

/**
 * Where a command runs. On the command line: Haven opened on the configured data directory, output on standard
 * output. A test may pass a Haven it holds open and a writer (commander never sets `io`: it has no such option).
 */
export interface CommandIo {
  haven?: Haven;
  write?: (text: string) => void;
}

interface Context {
  haven: Haven;
  actor: IncidentActor;
  role: Role;
  write: (text: string) => void;
}

async function asAccount<T>(
  options: { as: string; io?: CommandIo },
  roles: readonly Role[],
  action: string,
  work: (c: Context) => Promise<T>,
): Promise<T> {
  const given = options.io?.haven;
  const haven = given ?? (await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') }));
  const write = options.io?.write ?? ((text: string) => void process.stdout.write(text));
  try {
    const id = await accountIdByEmail(haven.db, normaliseEmail(options.as));
    const account = id ? await getAccount(haven.db, id) : undefined;
    if (account?.status !== 'active') {
      throw new HavenError('account-not-found', `No active staff account ${options.as}.`, { status: 404 });
    }
    const actor: IncidentActor = {
      account: account.id,
      organisation: account.organisationId,
      audit: { kind: 'cli', account: account.id, organisation: account.organisationId, role: account.role },
    };
    try {
      if (!roles.includes(account.role)) {
        throw new HavenError('forbidden', `The incident register is for ${roles.join(', ')} accounts.`, {
          status: 403,
          reason: 'role',
        });
      }
      return await work({ haven, role: account.role, actor, write });
    } catch (error) {
      // AUD-1: a refusal of a known account is in the ledger, about the organisation (the changes ledger theirs
      // about the incident themselves).
      if (error instanceof HavenError && error.status < 500 && !incidentRefusalLedgered(error)) {
        await recordAuditEvent(haven.db, {
          time: haven.clock.now(),
          actor: actor.audit,
          action: `incident.${action}`,
          subject: actor.organisation,
          subjectType: 'organisation',
          decision: 'deny',
          reason: error.code,
        });
      }
      throw error;
    }
  } finally {
    if (!given) await haven.close();
  }
}

/** An incident named by its id or its reference (INC-2026-001). */
async function idOf(c: Context, ref: string): Promise<string> {
  if (/^[0-9a-f-]{36}$/.test(ref)) return ref;
  return incidentIdByReference(c.haven.db, c.actor.organisation, ref);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

const hours = (ms: number) =>
  `${Math.floor(Math.abs(ms) / 3_600_000)} h ${Math.floor((Math.abs(ms) % 3_600_000) / 60_000)} min`;

export function clockWords(clock: IncidentView['clock']): string {
  switch (clock.state) {
    case 'running':
      return `${hours(clock.leftMs ?? 0)} left (due ${clock.dueAt})`;
    case 'overdue':
      return `OVERDUE by ${hours(clock.lateMs)} (was due ${clock.dueAt})`;
    case 'notified':
      return 'authority notified in time';
    case 'notified-late':
      return `authority notified ${hours(clock.lateMs)} late`;
    case 'not-required':
      return 'authority not to be notified';
  }
}

const line = (i: IncidentView) =>
  `${i.reference.padEnd(16)} ${i.state.padEnd(10)} aware ${i.awareAt.slice(0, 16).replace('T', ' ')}  ${clockWords(i.clock)}`;

export async function incidentsList(options: {
  as: string;
  year?: string;
  drills?: boolean;
  json?: boolean;
  io?: CommandIo;
}) {
  await asAccount(options, READERS, 'list', async (c) => {
    const incidents = await listIncidents(c.haven.db, c.haven.incidents.keys, c.actor.organisation, {
      withTexts: c.role !== 'auditor',
      ...(options.year ? { year: Number(options.year) } : {}),
      ...(options.drills === undefined ? {} : { drill: options.drills }),
    });
    const views = incidents.map((i) => incidentView(i, c.haven.clock.now()));
    if (options.json) return c.write(json(views));
    c.write(views.length ? `${views.map(line).join('\n')}\n` : 'No incidents.\n');
  });
}

export async function incidentsShow(
  ref: string,
  options: { as: string; draft?: boolean; json?: boolean; io?: CommandIo },
) {
  await asAccount(options, READERS, options.draft ? 'draft' : 'read', async (c) => {
    const id = await idOf(c, ref);
    const now = c.haven.clock.now();
    if (options.draft) {
      if (c.role !== 'dpo')
        throw new HavenError('forbidden', 'The draft is the DPO’s.', { status: 403, reason: 'role' });
      c.write(
        `${await notificationDraft(c.haven.db, c.haven.incidents.keys, c.actor.organisation, id, now)}\n`,
      );
      return;
    }
    const i = incidentView(
      await readIncident(c.haven.db, c.haven.incidents.keys, c.actor.organisation, id, {
        withTexts: c.role !== 'auditor',
      }),
      now,
    );
    if (options.json) return c.write(json(i));
    const rows: [string, string][] = [
      ['incident', `${i.reference}${i.drill ? ' (DRILL)' : ''}  ${i.id}`],
      ['state', i.state],
      ['aware', i.awareAt],
      ['clock', clockWords(i.clock)],
      ['nature', i.nature.join(', ')],
      ['data', i.dataCategories.join(', ') || '-'],
      ['people', i.peopleCategories.join(', ') || '-'],
      ['approx.', `${i.peopleApprox ?? '?'} people, ${i.recordsApprox ?? '?'} records`],
      ['high risk', i.highRisk ? 'yes' : 'no'],
      ['source', i.source ? `${i.source.kind} ${Object.values(i.source).slice(1).join(' ')}` : '-'],
      [
        'notified',
        i.notification
          ? `${i.notification.at} to ${i.notification.to}${i.notification.lateReason ? ` (late: ${i.notification.lateReason})` : ''}`
          : (i.noNotificationReason ?? '-'),
      ],
    ];
    c.write(`${rows.map(([k, v]) => `${k.padEnd(10)} ${v}`).join('\n')}\n`);
  });
}

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

export async function incidentsOpen(options: {
  as: string;
  awareAt: string;
  nature: string;
  categories?: string;
  people?: string;
  description?: string;
  drill?: boolean;
  json?: boolean;
  io?: CommandIo;
}) {
  await asAccount(options, ['dpo'], 'open', async (c) => {
    const body: Record<string, unknown> = {
      awareAt: options.awareAt,
      nature: list(options.nature),
      drill: options.drill === true,
    };
    if (options.categories) body.dataCategories = list(options.categories);
    if (options.people) body.peopleCategories = list(options.people);
    if (options.description) body.texts = { description: options.description };
    const opened = incidentView(
      await openIncident(c.haven.db, c.haven.incidents.keys, c.actor, body, c.haven.clock.now()),
      c.haven.clock.now(),
    );
    if (options.json) return c.write(json(opened));
    c.write(`${line(opened)}\n${opened.id}\n`);
  });
}

export async function incidentsState(
  ref: string,
  to: string,
  options: { as: string; json?: boolean; io?: CommandIo },
) {
  await asAccount(options, ['dpo'], 'state', async (c) => {
    const id = await idOf(c, ref);
    const { version } = await readIncident(c.haven.db, c.haven.incidents.keys, c.actor.organisation, id, {
      withTexts: false,
    });
    const moved = incidentView(
      await moveIncident(
        c.haven.db,
        c.haven.incidents.keys,
        c.actor,
        id,
        { to, version },
        c.haven.clock.now(),
      ),
      c.haven.clock.now(),
    );
    if (options.json) return c.write(json(moved));
    c.write(`${line(moved)}\n`);
  });
}

export async function incidentsNotify(
  ref: string,
  options: {
    as: string;
    at: string;
    to: string;
    textFile: string;
    lateReason?: string;
    lateNote?: string;
    json?: boolean;
    io?: CommandIo;
  },
) {
  await asAccount(options, ['dpo'], 'notify', async (c) => {
    const id = await idOf(c, ref);
    const { version } = await readIncident(c.haven.db, c.haven.incidents.keys, c.actor.organisation, id, {
      withTexts: false,
    });
    const text = readFileSync(options.textFile, 'utf8');
    const told = incidentView(
      await notifyAuthority(
        c.haven.db,
        c.haven.incidents.keys,
        c.actor,
        id,
        {
          version,
          at: options.at,
          to: options.to,
          text,
          lateReason: options.lateReason ?? null,
          ...(options.lateNote ? { lateNote: options.lateNote } : {}),
        },
        c.haven.clock.now(),
      ),
      c.haven.clock.now(),
    );
    if (options.json) return c.write(json(told));
    c.write(`${line(told)}${told.drill ? '  (drill: recorded, nothing sent)' : ''}\n`);
  });
}

export async function incidentsDrills(options: {
  as: string;
  year?: string;
  json?: boolean;
  io?: CommandIo;
}) {
  await asAccount(options, READERS, 'drill-figures', async (c) => {
    const year = options.year ? Number(options.year) : c.haven.clock.now().getUTCFullYear();
    // The breach-response steps through the gate as this account (BRE-3): breach_notice is protected.
    const figures = await drillFigures(c.haven.db, c.actor.organisation, year, async (ids) => {
      const account = (await getAccount(c.haven.db, c.actor.account))!;
      return c.haven.gate.breachSteps(staffGateRequest(account), ids);
    });
    if (options.json) return c.write(json(figures));
    const m = (v: number | null) => (v === null ? '-' : `${v} min`);
    const lines = [
      `${figures.summary.drills} drills in ${year}; ${figures.summary.inTime} notified within 72 hours.`,
      ...Object.entries(figures.summary.steps).map(
        ([step, s]) =>
          `  ${step.padEnd(17)} reached ${s.reached}, median ${m(s.medianMinutes)}, longest ${m(s.maxMinutes)}`,
      ),
      ...figures.drills.map(
        (d) =>
          `${d.reference.padEnd(16)} ${d.awareAt.slice(0, 10)}  ${Object.entries(d.steps)
            .map(([k, v]) => `${k} ${m(v)}`)
            .join(', ')}`,
      ),
    ];
    c.write(`${lines.join('\n')}\n`);
  });
}
