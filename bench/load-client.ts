/**
 * The load generator of the HTTP benchmarks, as a process of its own so that its work does not share the
 * server's event loop. Reads a job (JSON) on standard input, runs autocannon, and prints latency percentiles
 * computed from every response.
 */
import autocannon from 'autocannon';

interface Job {
  url: string;
  connections: number;
  seconds: number;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  paths: string[];
  bodies?: string[];
}

process.title = 'haven-load';
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Job;
let next = 0;
const latencies: number[] = [];
let statusErrors = 0;
let finish: (result: autocannon.Result) => void = () => {};
const done = new Promise<autocannon.Result>((resolve) => {
  finish = resolve;
});
const instance = autocannon(
  {
    url: job.url,
    connections: job.connections,
    duration: job.seconds,
    method: job.method,
    headers: job.headers,
    requests: [
      {
        setupRequest: (request) => {
          const i = next++;
          return {
            ...request,
            path: job.paths[i % job.paths.length]!,
            ...(job.bodies ? { body: job.bodies[i % job.bodies.length]! } : {}),
          };
        },
      },
    ],
  },
  (error, result) => {
    if (error) throw error;
    finish(result);
  },
);
instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
  latencies.push(responseTime);
  if (statusCode >= 300) statusErrors++;
});
const result = await done;
latencies.sort((a, b) => a - b);
const at = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0;
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.total / job.seconds,
    total: result.requests.total,
    p50: at(50),
    p95: at(95),
    p99: at(99),
    errors: result.errors + result.timeouts,
    non2xx: statusErrors,
  }),
);
