import path from 'node:path';
import { loadConfig } from '../../config/config.ts';
import { openHaven } from '../../haven.ts';
import { buildApp } from '../../http/app.ts';
import { issueSetupCode } from '../../identity/setup.ts';
import { startLedgerJobs } from '../../ledger/ledger-jobs.ts';
import { activeEngine, activeVersion } from '../../policy/policy-store.ts';
import { banner } from '../output.ts';

export async function serve(): Promise<void> {
  const config = loadConfig();
  const haven = await openHaven(config, { migrate: true, jobWorkers: true });
  if ((await haven.keys.status()).protection === 'none') {
    banner([
      'WARNING: the key file is not protected.',
      `  ${config.keyFilePath}`,
      'Anyone who copies it can decrypt Haven’s data. This is fine for trying Haven;',
      'production needs HAVEN_KEY_PASSPHRASE or HAVEN_KEY_ENCRYPTION_KEY.',
      'Keep the key file out of database backups.',
    ]);
    haven.logger.warn({ keyFile: config.keyFilePath }, 'key file is not protected: development use only');
  }
  const publish = haven.checkpoints.target;
  if (publish.kind === 'folder' && !path.relative(config.dataDir, publish.dir).startsWith('..')) {
    // AUD-4: a copy inside the data folder is rewritten by whoever rewrites the log; it only helps if synced away.
    haven.logger.warn(
      { folder: publish.dir },
      'checkpoints are published inside the data folder: sync them off-host',
    );
  }
  const app = await buildApp(haven);
  const ledgerJobs = startLedgerJobs(haven.db, haven.ledger, haven.logger, {
    sequenceMs: 250,
    checkpointSeconds: config.checkpointIntervalSeconds,
    publisher: haven.checkpoints,
  });
  // AUD-6: the anomaly rules follow the ledger a moment behind the sequencer, off the path that writes it.
  haven.monitor.start(1_000);
  // Another Haven server may have activated a new policy version (ACC-2): pick it up within seconds.
  const policyWatch = setInterval(async () => {
    try {
      if ((await activeVersion(haven.db)) !== haven.gate.policies().version)
        haven.setPolicies(await activeEngine(haven.db));
    } catch (error) {
      haven.logger.error({ err: error }, 'policy reload failed');
    }
  }, 10_000);
  policyWatch.unref();
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicUrl ?? `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  const code = await issueSetupCode(haven.identity, haven.db, config.setupCodeMinutes);
  if (code) {
    banner([
      'No staff account exists yet. Create the first administrator at',
      `  ${url}/setup`,
      `with this one-time set-up code: ${code}`,
      `(valid ${config.setupCodeMinutes} minutes; restart Haven for a new one)`,
    ]);
  }
  process.stderr.write(`Haven is listening on ${url}  (API description: ${url}/api/docs)\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    haven.logger.info({ signal }, 'shutting down');
    clearInterval(policyWatch);
    await app.close();
    await ledgerJobs.stop();
    await haven.monitor.stop();

    await haven.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
