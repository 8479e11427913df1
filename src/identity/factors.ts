import type { Sql } from '../store/database.ts';

/** An account's second factors as its owner sees them on the account page: whether, and which, never secrets. */
export async function factorsOf(
  sql: Sql,
  accountId: string,
): Promise<{ totp: boolean; passkeys: { credentialId: string; label: string; createdAt: string }[] }> {
  const { rows } = await sql.query<{ credential_id: string; label: string; created_at: Date }>(
    'select credential_id, label, created_at from passkey where account_id = $1 order by created_at',
    [accountId],
  );
  const totp = await sql.query<{ on: boolean }>(
    'select totp_secret is not null as on from staff_account where id = $1',
    [accountId],
  );
  return {
    totp: totp.rows[0]?.on ?? false,
    passkeys: rows.map((r) => ({
      credentialId: r.credential_id,
      label: r.label,
      createdAt: r.created_at.toISOString(),
    })),
  };
}

/** Enrolling a first factor completes a sign-in: it counts as one. */
export async function recordSignIn(sql: Sql, accountId: string): Promise<void> {
  await sql.query('update staff_account set last_sign_in_at = now() where id = $1', [accountId]);
}

export async function accountIdByEmail(sql: Sql, normalisedEmail: string): Promise<string | undefined> {
  const { rows } = await sql.query<{ id: string }>('select id from staff_account where email = $1', [
    normalisedEmail,
  ]);
  return rows[0]?.id;
}
