import { Worker } from 'node:worker_threads';
import type { Database } from '../store/database.ts';
import type { PolicyFiles } from './compile.ts';
import type { PolicyEngine } from './engine.ts';
import type { PolicyImpact } from './impact.ts';
import type { ImpactMessage, ImpactTask } from './impact-worker.ts';
import { proposedFiles, storedImpact, storeImpact } from './policy-store.ts';

/** The dictionary as configured: a worker parses its own copy. */
export interface DictionarySource {
  text: string;
  name: string;
}

export type ImpactState =
  | { state: 'ready'; impact: PolicyImpact }
  | { state: 'computing'; cells: number }
  | { state: 'queued'; ahead: number };

interface Job {
  version: number;
  base: number;
  baseFiles: PolicyFiles;
  cells: number;
  done: Promise<void>;
  resolve(): void;
}

/**
 * Computes the impact of proposed policy versions (ACC-2) in the background, one at a time, in a worker thread:
 * each takes seconds of one core for the shipped dictionary (1.8 million cells; half a minute for a change that
 * reaches every cell), and on the server's own thread it would hold up every request. One at a time, so that it
 * never takes both cores of a small server.
 * The impact is kept (policy_impact) against the version in force it was computed for; when another version
 * comes into force, it is computed again on request.
 */
export class PolicyImpacts {
  readonly #db: Database;
  readonly #dictionary: DictionarySource;
  #worker: Worker | null = null;
  readonly #queue: Job[] = [];
  #running: Promise<void> | null = null;
  #closed = false;

  constructor(db: Database, dictionary: DictionarySource) {
    this.#db = db;
    this.#dictionary = dictionary;
  }

  /** Where the impact of `version` against the version in force stands; queues it when not yet computed. */
  async of(version: number, current: PolicyEngine): Promise<ImpactState> {
    await proposedFiles(this.#db, version);
    const stored = await storedImpact(this.#db, version, current.version);
    if (stored) return { state: 'ready', impact: stored };
    const index = this.#queue.findIndex((j) => j.version === version && j.base === current.version);
    if (index === 0) return { state: 'computing', cells: this.#queue[0]!.cells };
    if (index > 0) return { state: 'queued', ahead: index };
    let resolve = () => {};
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    this.#queue.push({
      version,
      base: current.version,
      baseFiles: { ...current.files },
      cells: 0,
      done,
      resolve,
    });
    this.#running ??= this.#work();
    return this.#queue.length === 1
      ? { state: 'computing', cells: 0 }
      : { state: 'queued', ahead: this.#queue.length - 1 };
  }

  /** Waits for the impact (the CLI and tests; the HTTP API answers 202 instead of waiting). */
  async wait(version: number, current: PolicyEngine): Promise<PolicyImpact> {
    for (;;) {
      const answer = await this.of(version, current);
      if (answer.state === 'ready') return answer.impact;
      const job = this.#queue.find((j) => j.version === version && j.base === current.version);
      if (job) await job.done;
      if (this.#closed) throw new Error('policy impacts closed');
    }
  }

  /** Stops after the slice in progress; queued jobs are dropped (they are computed again when asked for). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#worker?.postMessage({ kind: 'stop' });
    await this.#running;
  }

  async #work(): Promise<void> {
    while (this.#queue.length > 0 && !this.#closed) {
      const job = this.#queue[0]!;
      try {
        // The version may have been decided, or its impact stored by another server, while it waited.
        if (!(await storedImpact(this.#db, job.version, job.base))) {
          const files = await proposedFiles(this.#db, job.version);
          const impact = await this.#compute(job, {
            dictionary: this.#dictionary,
            base: { version: job.base, files: job.baseFiles },
            proposed: { version: job.version, files },
          });
          await storeImpact(this.#db, impact);
        }
      } catch {
        // A version decided meanwhile, or Haven stopping: nothing to keep. Asked again, it is computed again.
      } finally {
        this.#queue.shift();
        job.resolve();
      }
    }
    for (const job of this.#queue.splice(0)) job.resolve();
    this.#running = null;
  }

  #compute(job: Job, task: ImpactTask): Promise<PolicyImpact> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./impact-worker.ts', import.meta.url), { workerData: task });
      this.#worker = worker;
      let settled = false;
      const settle = (done: () => void) => {
        if (settled) return;
        settled = true;
        this.#worker = null;
        done();
      };
      worker.on('message', (message: ImpactMessage) => {
        if (message.kind === 'progress') job.cells = message.cells;
        else if (message.kind === 'done') settle(() => resolve(message.impact));
        else settle(() => reject(new Error(message.message)));
      });
      worker.on('error', (error) => settle(() => reject(error)));
      worker.on('exit', () => settle(() => reject(new Error('the impact worker stopped'))));
    });
  }
}
