import { personTokens } from '../crypto/blind-index/person-tokens.ts';
import { checkCapture, todayAnywhere } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import { readGroups, writeGroups } from '../records/person-records.ts';
import type { GateContext, GateRequest } from './context.ts';
import {
  decideGroups,
  type GroupDecision,
  recordGroupDecisions,
  refusal,
  refuse,
  resolvePurpose,
  withheldOf,
} from './decide.ts';
import { throughGate } from './entry.ts';
import { basisFor } from './facts.ts';
import { loadPerson } from './person-facts.ts';
import { inTransaction, markLedgered, ok, refused } from './transaction.ts';

/**
 * Adding information to a person's record: fields of the declared purpose's data set that are still empty. A
 * value that changes what is already recorded is a correction and goes through maker-checker (ACC-6, RIG-4).
 */
export interface Updated {
  id: string;
  version: number;
  fieldGroups: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function isEmptyValue(value: unknown): boolean {
  return (
    value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

export async function updatePerson(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  values: Record<string, unknown>,
  expectedVersion?: number,
): Promise<Updated> {
  return throughGate(ctx, request, 'person.update', personId, () =>
    update(ctx, request, personId, values, expectedVersion),
  );
}

async function update(
  ctx: GateContext,
  request: GateRequest,
  personId: string,
  values: Record<string, unknown>,
  expectedVersion: number | undefined,
): Promise<Updated> {
  const event = 'person.update';
  const purpose = await resolvePurpose(ctx, request, event, personId);
  const captured = checkCapture(ctx.dictionary, purpose.name, values, {
    requireAll: false,
    today: todayAnywhere(ctx.now()),
  });
  const groups = Object.keys(captured.groups);
  return inTransaction<Updated>(ctx.db, async (tx) => {
    const loaded = await loadPerson(tx, request, personId, event, { lock: true });
    if (!loaded.ok) return loaded;
    const { meta, facts } = loaded.value;
    if (expectedVersion !== undefined && expectedVersion !== meta.version) {
      return refuse(
        tx,
        request,
        event,
        meta.id,
        new HavenError(
          'version-conflict',
          'Someone changed this record since you opened it. Reload it and try again.',
          {
            status: 409,
          },
        ),
      );
    }
    const basis = await basisFor(tx, meta.id, purpose.name);
    // Merging needs the current values: the actor must be allowed to read and to write each group touched.
    const decisions: GroupDecision[] = [];
    for (const action of ['read', 'write'] as const) {
      decisions.push(...decideGroups(ctx, request.actor, action, purpose, facts, groups, basis));
    }
    const denied = decisions.filter((d) => !d.allowed);
    // One event per outcome: the refusals, a correction needed, or the writes.
    if (denied.length > 0) {
      await recordGroupDecisions(tx, request, event, meta.id, denied);
      return refused(
        markLedgered(
          refusal(
            denied.flatMap((d) => d.reasons),
            withheldOf(denied),
            purpose,
          ),
        ),
      );
    }
    const current = await readGroups(ctx.vault, tx, meta, groups);
    const conflicts: string[] = [];
    const merged: Record<string, Record<string, unknown>> = {};
    for (const group of groups) {
      merged[group] = { ...current[group] };
      for (const [field, value] of Object.entries(captured.groups[group]!)) {
        const existing = current[group]?.[field];
        if (!isEmptyValue(existing) && !same(existing, value)) conflicts.push(field);
        else merged[group]![field] = value;
      }
    }
    if (conflicts.length > 0) {
      return refuse(
        tx,
        request,
        event,
        meta.id,
        new HavenError(
          'correction-required',
          'Changing a recorded value is a correction: propose it for approval.',
          {
            status: 409,
            reason: 'ACC-6',
            fields: conflicts
              .sort()
              .map((path) => ({ path, code: 'correction-required', message: 'already recorded' })),
          },
        ),
      );
    }
    await recordGroupDecisions(tx, request, event, meta.id, decisions.slice(groups.length));
    const version = await writeGroups(
      ctx.vault,
      tx,
      meta,
      merged,
      personTokens(ctx.index, ctx.dictionary, meta.organisationId, merged),
    );
    return ok({ id: meta.id, version, fieldGroups: groups });
  });
}
