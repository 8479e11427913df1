import type { BlindIndex } from '../crypto/blind-index/tokens.ts';
import type { ReleaseSigner } from '../crypto/release-envelope.ts';
import type { KeyVault } from '../crypto/vault/key-vault.ts';
import type { Dictionary } from '../domain/dictionary/index.ts';
import type { Notices } from '../domain/notices/index.ts';
import type { Role } from '../domain/roles.ts';
import type { EventBatcher } from '../ledger/event-batcher.ts';
import type { AuditActor } from '../ledger/events.ts';
import type { PolicyEngine } from '../policy/engine.ts';
import type { Database } from '../store/database.ts';
import type { GroupCommit } from '../store/group-commit.ts';
import type { NoticeHooks } from './partner-notices.ts';
import type { PurposeRegister } from './purposes.ts';
import type { PreparedRegistration } from './registrations.ts';

/** What the gate works with, passed explicitly: storage, keys, the dictionary and notices, the policies, the register. */
export interface GateContext {
  db: Database;
  vault: KeyVault;
  dictionary: Dictionary;
  /** Privacy notices: a consent must name a version of its purpose's notice (PUR-3, LNG-1). */
  notices: Notices;
  index: BlindIndex;
  /** The active policy version; replaced when a change is approved (ACC-2). */
  policies(): PolicyEngine;
  purposes: PurposeRegister;
  /**
   * Ledger events that record no data change (reads, searches, refusals), committed together across concurrent
   * requests (see EventBatcher).
   */
  events: EventBatcher;
  /** New persons, written in batches: one statement and one commit for many registrations (B1). */
  registrations: GroupCommit<PreparedRegistration, undefined>;
  /** Secret for keyed hashes of import references. */
  importSecret: Buffer;
  /** Secret for keyed hashes of the codes on persons' cards (the portal looks a card up by it). */
  cardSecret: Buffer;
  /**
   * Fans a change out to the partners that hold the person's data and queues the deliveries, in the change's own
   * transaction (PUR-4, RIG-4); absent where no queue runs, and the sweep does it later.
   */
  partnerNotices?: NoticeHooks;
  /** Secret of the pseudonyms partners know people by: one key per partner is derived from it (SHA-2). */
  pseudonymSecret: Buffer;
  /** Haven's key that signs what goes to partners (SHA-2). */
  releaseSigner: ReleaseSigner;

  now(): Date;
}

/** Who is asking (architecture.md, "The one gate", step 1). */
export type Actor =
  | {
      kind: 'staff';
      accountId: string;
      organisationId: string;
      role: Role;
      tier: number;
      /** 1 password, 2 + TOTP, 3 + passkey (ACC-3). */
      assurance: number;
    }
  | { kind: 'importer'; organisationId: string; importId: string }
  /** A partner's machine client, signed in with its key (SHA-1): it only ever receives, never reads. */
  | { kind: 'partner'; partnerId: string; organisationId: string; partnerKind: string; actsFor: string };

/** One request through the gate: who, why (the declared purpose), and the request id for the ledger. */
export interface GateRequest {
  actor: Actor;
  /** Mandatory: there is no default purpose (PUR-1). */
  purpose: string | undefined;
  requestId?: string;
  /** The policy version the gate decides this request under; set by the gate when the request enters (ACC-2). */
  policyVersion?: number;
}

/** The `policy` of a ledger event: the version that made the decision it records, so an auditor can tie them. */
export function policyOf(request: GateRequest): { policy?: number } {
  return request.policyVersion === undefined ? {} : { policy: request.policyVersion };
}

export function auditActor(actor: Actor): AuditActor {
  if (actor.kind === 'importer') return { kind: 'cli', organisation: actor.organisationId };
  if (actor.kind === 'partner')
    return { kind: 'partner', organisation: actor.organisationId, partner: actor.partnerId };
  return { kind: 'staff', account: actor.accountId, organisation: actor.organisationId, role: actor.role };
}
