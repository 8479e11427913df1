import { parentPort, workerData } from 'node:worker_threads';
import { parseDictionary } from '../domain/dictionary/index.ts';
import type { PolicyFiles } from './compile.ts';
import { policyImpact } from './impact.ts';

/**
 * One impact computation in a worker thread (impact-jobs.ts): it takes tens of seconds of CPU for the shipped
 * dictionary, which on the server's own thread would hold up every request in between its slices.
 */
export interface ImpactTask {
  dictionary: { text: string; name: string };
  base: { version: number; files: PolicyFiles };
  proposed: { version: number; files: PolicyFiles };
}

export type ImpactMessage =
  | { kind: 'progress'; cells: number }
  | { kind: 'done'; impact: Awaited<ReturnType<typeof policyImpact>> }
  | { kind: 'failed'; message: string };

const port = parentPort!;
let stopped = false;
port.on('message', (message: { kind: 'stop' }) => {
  if (message.kind === 'stop') stopped = true;
});

const task = workerData as ImpactTask;
try {
  const impact = await policyImpact(
    parseDictionary(task.dictionary.text, task.dictionary.name),
    task.base,
    task.proposed,
    (cells) => port.postMessage({ kind: 'progress', cells } satisfies ImpactMessage),
    () => stopped,
  );
  port.postMessage({ kind: 'done', impact } satisfies ImpactMessage);
} catch (error) {
  port.postMessage({ kind: 'failed', message: (error as Error).message } satisfies ImpactMessage);
}
port.close();
