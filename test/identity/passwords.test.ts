import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../src/identity/passwords.ts';

function refusal(password: string, email = 'amina@example.org'): string | undefined {
  try {
    checkPasswordPolicy(password, email);
    return undefined;
  } catch (error) {
    return (error as { reason?: string }).reason;
  }
}

describe('password policy (ACC-3, NIST SP 800-63B)', () => {
  test('refuses short, common, repetitive, sequential and contextual passwords', () => {
    assert.equal(refusal('short pass'), 'too-short');
    assert.equal(refusal('123qweasdzxc'), 'common');
    assert.equal(refusal('password123456'), 'common');
    assert.equal(refusal('!!qwertyuiop!!'), 'common');
    assert.equal(refusal('aaaaaaaaaaaabbb'), 'repetitive');
    assert.equal(refusal('1234567890abc'), 'sequence');
    assert.equal(refusal('amina-likes-tea-9'), 'contextual');
    assert.equal(refusal('my haven account!'), 'contextual');
  });

  test('accepts a long passphrase without composition rules', () => {
    assert.equal(refusal('river lantern orange 1987'), undefined);
    assert.equal(refusal('كلمة مرور طويلة جدا'), undefined);
  });

  test('hashes with argon2id and verifies only the right password', async () => {
    const stored = await hashPassword('river lantern orange 1987');
    assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(await verifyPassword(stored, 'river lantern orange 1987'), true);
    assert.equal(await verifyPassword(stored, 'river lantern orange 1988'), false);
    assert.equal(await verifyPassword(undefined, 'anything at all'), false);
    assert.equal(await verifyPassword('not a hash', 'anything at all'), false);
  });
});
