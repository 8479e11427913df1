import type { Sql } from './database.ts';
import { JOB_SCHEMA } from './job-schema.ts';
import { GATE_ROLE, GENERAL_ROLE, GENERAL_TABLES } from './protected-tables.ts';

/** Role names are fixed identifiers; quoting them is still the habit. */
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * PostgreSQL only (PGlite is single-user): makes the gate's role the only one that can touch personal data.
 * Run after migrations by the database owner. The gate's role may use every table (it also writes the ledger and
 * reads staff and purposes); the general role gets exactly GENERAL_TABLES, so a new table is closed to it until
 * someone classifies it. Roles are created once per server (NOLOGIN) and granted to the owner, who then opens each
 * pool with `SET ROLE` (src/store/postgres.ts).
 */
export async function grantPoolRoles(db: Sql): Promise<void> {
  for (const role of [GATE_ROLE, GENERAL_ROLE]) {
    // Roles are per server and test databases are created in parallel: a concurrent creator is not an error.
    await db.exec(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = '${role}') then create role ${ident(role)} nologin; end if;
      exception when duplicate_object or unique_violation then null; end $$`);
    // A superuser already may take any role; an owner with CREATEROLE is granted it once.
    await db.exec(`do $$ begin
      if not pg_has_role(current_user, '${role}', 'member') then
        execute format('grant ${ident(role)} to %I', current_user);
      end if;
      exception when duplicate_object or unique_violation then null; end $$`);
  }
  const { rows } = await db.query<{ name: string }>(
    `select tablename as name from pg_tables where schemaname = current_schema()
      union select viewname from pg_views where schemaname = current_schema() order by 1`,
  );
  const tables = rows.map((r) => r.name);
  await db.exec(`grant usage on schema public to ${ident(GATE_ROLE)}, ${ident(GENERAL_ROLE)}`);
  for (const table of tables) {
    await db.exec(`grant select, insert, update, delete on ${ident(table)} to ${ident(GATE_ROLE)}`);
    await db.exec(`revoke all on ${ident(table)} from public`);
    if (Object.hasOwn(GENERAL_TABLES, table)) {
      await db.exec(`grant select, insert, update, delete on ${ident(table)} to ${ident(GENERAL_ROLE)}`);
    } else {
      await db.exec(`revoke all on ${ident(table)} from ${ident(GENERAL_ROLE)}`);
    }
  }
  await db.exec(
    `grant usage, select on all sequences in schema public to ${ident(GATE_ROLE)}, ${ident(GENERAL_ROLE)}`,
  );
  // The job queue's schema holds no personal values (src/jobs/payload.ts): the general pool works the jobs, the
  // gate's adds them in its transactions. Use only — its tables are created and altered by the owner's migrate.
  const jobs = await db.query<{ exists: boolean }>(
    'select exists (select 1 from pg_namespace where nspname = $1) as exists',
    [JOB_SCHEMA],
  );
  if (jobs.rows[0]?.exists) {
    const roles = `${ident(GATE_ROLE)}, ${ident(GENERAL_ROLE)}`;
    const schema = ident(JOB_SCHEMA);
    await db.exec(`grant usage on schema ${schema} to ${roles}`);
    await db.exec(`grant select, insert, update, delete on all tables in schema ${schema} to ${roles}`);
    await db.exec(`grant usage, select on all sequences in schema ${schema} to ${roles}`);
    await db.exec(`grant execute on all functions in schema ${schema} to ${roles}`);
  }
}
