import { loadConfig } from '../../config/config.ts';
import { openHaven } from '../../haven.ts';
import { createLogger } from '../../observability/logger.ts';
import { bundledMigrations, migrate } from '../../store/migrate.ts';

export async function migrateCommand(options: { json?: boolean }): Promise<void> {
  const config = loadConfig();
  const haven = await openHaven(config, { migrate: false, logger: createLogger('silent') });
  try {
    const applied = await migrate(haven.db);
    const total = bundledMigrations().length;
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ applied, total })}\n`);
    } else {
      process.stdout.write(
        applied.length === 0
          ? `Database is up to date (${total} migrations).\n`
          : `Applied migrations ${applied.join(', ')}; database is up to date (${total} migrations).\n`,
      );
    }
  } finally {
    await haven.close();
  }
}
