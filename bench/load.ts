import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs concurrent HTTP clients in a child process (bench/load-client.ts) and returns throughput and latency. */
export interface LoadResult {
  requestsPerSecond: number;
  total: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export interface LoadJob {
  url: string;
  connections: number;
  seconds: number;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  paths: string[];
  bodies?: string[];
}

const CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));

export function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`load client exited with ${code}`));
      resolve(JSON.parse(out) as LoadResult);
    });
    child.stdin.end(JSON.stringify(job));
  });
}
