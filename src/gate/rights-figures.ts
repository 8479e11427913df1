import { addToDay, dayOf } from '../domain/calendar.ts';
import { HavenError } from '../domain/errors.ts';
import {
  CHANNELS,
  type Channel,
  REFUSAL_REASONS,
  type RefusalReason,
  RIGHTS_KINDS,
  type RightsKind,
} from '../domain/rights/requests.ts';
import type { GateContext, GateRequest } from './context.ts';
import { throughGate } from './entry.ts';
import { RIGHTS } from './rights-purpose.ts';

/**
 * A month of rights requests in counts (RIG-1 – RIG-5), for the DPO's page and the annual report: never an id, a
 * person or a word anyone wrote. Days are UTC days, as Haven counts deadlines.
 */
export interface RightsFigures {
  /** YYYY-MM */
  month: string;
  /** Taken down during the month. */
  received: { total: number; byKind: Record<RightsKind, number>; byChannel: Record<Channel, number> };
  /** Of those received during the month, how many had their deadline extended (it can only happen in the first month). */
  extended: number;
  /** Answered during the month; `late`: after their deadline. */
  answered: { total: number; late: number; medianDays: number | null };
  /** Refused during the month, by the reason given (RIG-5). */
  refused: { total: number; byReason: Record<RefusalReason, number> };
  /** Today, whatever the month: still open, and of those past their deadline. */
  now: { on: string; open: number; overdue: number };
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Who reads the figures: the DPO answers for them, oversight checks them. */
const READERS = ['dpo', 'oversight'];

const zero = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export function rightsFigures(ctx: GateContext, request: GateRequest, month: string): Promise<RightsFigures> {
  return throughGate(ctx, { ...request, purpose: RIGHTS.name }, 'rights.figures', undefined, async () => {
    if (request.actor.kind !== 'staff' || !READERS.includes(request.actor.role)) {
      throw new HavenError('access-denied', 'The figures of rights requests are for the DPO and oversight.', {
        status: 403,
        reason: 'not-permitted',
      });
    }
    if (!MONTH.test(month))
      throw new HavenError('month-invalid', 'Name a month as YYYY-MM.', { status: 422 });
    const from = `${month}-01`;
    const to = addToDay(from, { months: 1 });
    const today = dayOf(ctx.now());
    const org = request.actor.organisationId;
    const closedOn = `(closed_at at time zone 'UTC')::date`;

    const { rows: received } = await ctx.db.query<{
      kind: RightsKind;
      channel: Channel;
      n: number;
      extended: number;
    }>(
      `select kind, channel, count(*)::int as n, count(*) filter (where extended)::int as extended
         from rights_request where organisation_id = $1 and received_on >= $2 and received_on < $3
         group by kind, channel`,
      [org, from, to],
    );
    const { rows: closed } = await ctx.db.query<{
      state: 'answered' | 'refused';
      reason: RefusalReason | null;
      days: number;
      late: boolean;
    }>(
      `select state, refusal_reason as reason, (${closedOn} - received_on)::int as days, ${closedOn} > due_on as late
         from rights_request
        where organisation_id = $1 and closed_at is not null and ${closedOn} >= $2 and ${closedOn} < $3`,
      [org, from, to],
    );
    const { rows: open } = await ctx.db.query<{ open: number; overdue: number }>(
      `select count(*)::int as open, count(*) filter (where due_on < $2)::int as overdue
         from rights_request where organisation_id = $1 and closed_at is null`,
      [org, today],
    );

    const figures: RightsFigures = {
      month,
      received: { total: 0, byKind: zero(RIGHTS_KINDS), byChannel: zero(CHANNELS) },
      extended: 0,
      answered: { total: 0, late: 0, medianDays: null },
      refused: { total: 0, byReason: zero(REFUSAL_REASONS) },
      now: { on: today, open: open[0]?.open ?? 0, overdue: open[0]?.overdue ?? 0 },
    };
    for (const r of received) {
      figures.received.total += r.n;
      figures.received.byKind[r.kind] += r.n;
      figures.received.byChannel[r.channel] += r.n;
      figures.extended += r.extended;
    }
    const days: number[] = [];
    for (const c of closed) {
      if (c.state === 'refused') {
        figures.refused.total += 1;
        if (c.reason) figures.refused.byReason[c.reason] += 1;
        continue;
      }
      figures.answered.total += 1;
      if (c.late) figures.answered.late += 1;
      days.push(c.days);
    }
    figures.answered.medianDays = median(days);
    return figures;
  });
}

/** The middle value; between two middles, their mean. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
