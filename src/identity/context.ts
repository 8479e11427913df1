import type { Config } from '../config/config.ts';
import type { KeyRing } from '../crypto/keyring/keyring.ts';
import type { RefusalLedger } from '../ledger/refusals.ts';
import { type AccountKeys, accountKeys } from './keys.ts';
import type { SessionLimits } from './sessions.ts';

/** What the identity functions need, passed explicitly. */
export interface IdentityContext {
  keys: AccountKeys;
  sessions: SessionLimits;
  reauthMinutes: number;
  lockoutThreshold: number;
  addressFailureLimit: number;
  /** Where sign-in, second-factor and set-up refusals go: counted, not written one by one, in a flood (AUD-1). */
  refusals: RefusalLedger;
  /** Clock for time-based codes (tests move it forward to get fresh TOTP steps). */
  now: () => number;
  /** WebAuthn relying party: the host name staff use, and the origins it may be used from. */
  relyingParty: { id: string; name: string; origin: string[] };
}

export function identityContext(config: Config, keyRing: KeyRing, refusals: RefusalLedger): IdentityContext {
  return {
    refusals,
    keys: accountKeys(keyRing),
    now: () => Date.now(),
    sessions: { idleMinutes: config.sessionIdleMinutes, absoluteHours: config.sessionAbsoluteHours },
    reauthMinutes: config.reauthMinutes,
    lockoutThreshold: config.lockoutThreshold,
    addressFailureLimit: config.addressFailureLimit,
    // Browsers accept passkeys on a domain name (localhost included), never on an IP address.
    relyingParty: { id: new URL(config.origin).hostname, name: 'Haven', origin: config.allowedOrigins },
  };
}
