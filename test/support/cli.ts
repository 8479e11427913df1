import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../src/store/database.ts';
import { openPglite } from '../../src/store/pglite.ts';
import { openPostgres } from '../../src/store/postgres.ts';
import { shipped } from '../domain/dictionary-fixtures.ts';
import { approveDpiasForTests } from './dpias.ts';

export const HAVEN_BIN = fileURLToPath(new URL('../../bin/haven.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `haven ARGS` in a child process with only the given HAVEN_* settings. */
export function haven(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAVEN_BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** Starts `haven serve` on a free port and resolves with its URL once it listens. */
export function startServer(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; stderr: () => string; stop: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAVEN_BIN, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        HAVEN_PORT: '0',
        HAVEN_LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const stop = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null) return done();
        child.once('close', () => done());
        child.kill('SIGTERM');
      });
    child.stderr.on('data', (d) => {
      stderr += d;
      const match = /listening on (http:\/\/[^\s]+)/.exec(stderr);
      if (match) resolve({ url: match[1]!, child, stderr: () => stderr, stop });
    });
    child.stdout.resume();
    child.on('close', (code) => reject(new Error(`haven serve exited with ${code}: ${stderr}`)));
  });
}

/**
 * Migrates the database the commands use (`env`) and approves DPIAs for its purposes, as a DPO would before any
 * processing (PUR-6): for tests that drive `haven serve` or `haven import` as separate processes.
 */
export async function withApprovedDpias(env: Record<string, string>): Promise<void> {
  const migrated = await haven(['migrate'], env);
  if (migrated.code !== 0) throw new Error(`haven migrate failed: ${migrated.stderr}`);
  const db: Database = env.HAVEN_DATABASE_URL
    ? await openPostgres({ url: env.HAVEN_DATABASE_URL, maxConnections: 1 })
    : await openPglite({ dataDir: path.join(env.HAVEN_DATA_DIR!, 'db') });
  try {
    await approveDpiasForTests(db, shipped);
  } finally {
    await db.close();
  }
}
