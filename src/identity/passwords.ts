import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { HavenError } from '../domain/errors.ts';

// ACC-3: argon2id with OWASP's recommended floor (19 MiB, 2 passes, 1 lane).
// Algorithm 2 is Argon2id (a const enum in the typings, which type stripping cannot import).
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

const common = new Set<string>((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

// Verifying against this when the account does not exist keeps the timing of "no such account" and
// "wrong password" the same.
const decoy = hash('decoy password that matches nothing', ARGON2);

export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  try {
    return await verify(stored ?? (await decoy), password);
  } catch {
    return false;
  }
}

function weak(reason: string, message: string): HavenError {
  return new HavenError('password-too-weak', message, { status: 422, reason });
}

/**
 * NIST SP 800-63B §3.1.1.2: a minimum length, no composition rules, and refusal of passwords that are common
 * or derived from the account itself. The message says which rule failed, never the password.
 */
export function checkPasswordPolicy(password: string, email: string): void {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    throw weak(
      'too-short',
      `Use at least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words work well.`,
    );
  }
  if (length > MAX_PASSWORD_LENGTH) throw weak('too-long', `Use at most ${MAX_PASSWORD_LENGTH} characters.`);
  const lower = password.normalize('NFKC').toLowerCase();
  // The common list is short passwords; padding one with digits or symbols does not make it uncommon.
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (common.has(lower) || (core.length >= 4 && common.has(core))) {
    throw weak('common', 'This password is on a list of commonly used passwords; choose another.');
  }
  if (new Set(lower).size <= 3) throw weak('repetitive', 'This password repeats too few characters.');
  if (/^(?:0123456789|1234567890|abcdefghijkl|qwertyuiop)/.test(lower)) {
    throw weak('sequence', 'This password is a keyboard or number sequence.');
  }
  const local = email.toLowerCase().split('@')[0] ?? '';
  if ((local.length >= 4 && lower.includes(local)) || lower.includes('haven')) {
    throw weak('contextual', 'The password must not contain your email name or the name of this service.');
  }
}
