import { loadConfig } from '../../config/config.ts';
import { openDatabases } from '../../haven.ts';
import { jobQueueStatus } from '../../jobs/status.ts';
import { fail, printJson } from '../output.ts';

/** `haven jobs status`: the job queue as every server on the database shares it (docs/jobs.md). */
export async function jobsStatus(options: { json?: boolean }): Promise<void> {
  const opened = await openDatabases(loadConfig()).catch(fail);
  try {
    const status = await jobQueueStatus(opened.db);
    if (options.json) return printJson(status);
    const states = ['created', 'retry', 'active', 'completed', 'failed'] as const;
    const width = Math.max(10, ...status.queues.map((q) => q.name.length));
    const lines = [
      `${'job'.padEnd(width)}  ${states.map((s) => s.padStart(9)).join(' ')}  schedule`,
      ...status.queues.map(
        (q) =>
          `${q.name.padEnd(width)}  ${states.map((s) => String(q.states[s] ?? 0).padStart(9)).join(' ')}  ${q.schedule ?? ''}`,
      ),
    ];
    if (status.queues.length === 0) lines.push('No kind of job is defined yet.');
    if (status.failures.length > 0) {
      lines.push('', 'Latest failures (retries used up):');
      for (const f of status.failures)
        lines.push(`  ${f.at}  ${f.name}  ${f.id}  after ${f.attempts} attempts  ${JSON.stringify(f.error)}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    fail(error);
  } finally {
    await opened.db.close();
    if (opened.gateDb !== opened.db) await opened.gateDb.close();
    await opened.vaultDb.close();
    opened.release();
  }
}
