import { loadConfig } from '../../config/config.ts';
import { openDatabases } from '../../haven.ts';
import { bundledMigrations, migrate, VAULT_MIGRATIONS_DIR } from '../../store/migrate.ts';

/** Applies pending migrations to the main database and to the key vault, then exits. */
export async function migrateCommand(options: { json?: boolean }): Promise<void> {
  const config = loadConfig();
  // As the database owner: migrations create the tables and the roles the serving pools take.
  const { db, vaultDb, release } = await openDatabases(config, { owner: true });

  try {
    const applied = await migrate(db);
    const vaultApplied = await migrate(vaultDb, bundledMigrations(VAULT_MIGRATIONS_DIR), { jobQueue: false });
    const total = bundledMigrations().length;
    const vaultTotal = bundledMigrations(VAULT_MIGRATIONS_DIR).length;
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ applied, total, keyVault: { applied: vaultApplied, total: vaultTotal } })}\n`,
      );
    } else {
      const done = (list: number[], count: number, what: string) =>
        list.length === 0
          ? `${what} is up to date (${count} migrations).\n`
          : `${what}: applied migrations ${list.join(', ')}; up to date (${count} migrations).\n`;
      process.stdout.write(done(applied, total, 'Database') + done(vaultApplied, vaultTotal, 'Key vault'));
    }
  } finally {
    await db.close();
    await vaultDb.close();
    release();
  }
}
