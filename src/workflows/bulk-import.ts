import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { HavenError } from '../domain/errors.ts';
import { checkText, type TextShape } from '../domain/text.ts';
import type { BasisInput } from '../gate/basis-input.ts';
import type { Gate } from '../gate/service.ts';

/**
 * Bulk import of people from JSON Lines (docs/import.md), for moving registries out of spreadsheets and older
 * systems. Every line goes through the gate like any other registration — data set, consent or legal basis,
 * policies, encryption, ledger — in a transaction of its own: good lines are kept, a bad line changes nothing and
 * is reported with its line number and error code, and a re-run skips lines already imported (the line's `ref`
 * is its idempotency key), so an import killed half-way is simply run again.
 */

export const MAX_LINE_BYTES = 64 * 1024;

export interface ImportLine {
  ref?: string;
  values: Record<string, unknown>;
  basis: BasisInput;
}

export interface LineProblem {
  line: number;
  ref?: string;
  code: string;
  /** Field paths and problem codes, never values. */
  fields?: { path: string; code: string }[];
}

export interface ImportSummary {
  importId: string;
  lines: number;
  imported: number;
  alreadyImported: number;
  refused: number;
}

/** As the API's schemas: line breaks only in values (text fields, MIN-1) and a basis's justification. */
const LINE_TEXT: TextShape = {
  properties: { values: { multiline: true }, basis: { properties: { justification: { multiline: true } } } },
};

function lineError(code: string, message: string): HavenError {
  return new HavenError(code, message, { status: 422 });
}

/** Checks one line's shape; the gate checks its content. */
export function parseImportLine(text: string): ImportLine {
  if (Buffer.byteLength(text) > MAX_LINE_BYTES)
    throw lineError('line-too-long', `A line may hold at most ${MAX_LINE_BYTES} bytes.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw lineError('invalid-json', 'The line is not valid JSON.');
  }
  // The same check as every API request's (text-invalid): no NUL or other control character reaches the gate.
  checkText(parsed, LINE_TEXT, '');
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw lineError('line-not-object', 'Each line must be one JSON object.');
  }
  const line = parsed as Record<string, unknown>;
  const unknown = Object.keys(line).filter((k) => !['ref', 'values', 'basis'].includes(k));
  if (unknown.length > 0) {
    throw new HavenError('line-key-unknown', 'A line has only ref, values and basis.', {
      status: 422,
      fields: unknown
        .filter((k) => /^[\w-]{1,64}$/.test(k))
        .map((path) => ({ path, code: 'unknown', message: 'not allowed' })),
    });
  }
  if (
    line.ref !== undefined &&
    (typeof line.ref !== 'string' || line.ref.length === 0 || line.ref.length > 200)
  ) {
    throw lineError('ref-invalid', 'ref must be a string of 1–200 characters.');
  }
  if (line.values === null || typeof line.values !== 'object' || Array.isArray(line.values)) {
    throw lineError('values-missing', 'values must be an object of dictionary fields.');
  }
  if (line.basis === null || typeof line.basis !== 'object' || Array.isArray(line.basis)) {
    throw lineError('basis-missing', 'basis must record the consent or other legal basis.');
  }
  return line as unknown as ImportLine;
}

export interface ImportOptions {
  organisationId: string;
  purpose: string;
  file: string;
  onProblem: (problem: LineProblem) => void;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Lines in flight at once: enough to share commits (group commit, B1), few enough to keep memory flat. */
export const IMPORT_WINDOW = 32;

/**
 * Takes the gate's registration only: an import can register people and do nothing else with them. Up to
 * IMPORT_WINDOW lines are registered at once so that they share commits; results are counted and problems
 * reported in line order, and a line whose reference is already in flight waits for it (a repeat is then
 * "already imported", as it would be one line after the other).
 */
export async function importPeople(
  ctx: Pick<Gate, 'registerPerson'>,
  options: ImportOptions,
): Promise<ImportSummary> {
  const importId = randomUUID();
  const total = statSync(options.file).size;
  const summary: ImportSummary = { importId, lines: 0, imported: 0, alreadyImported: 0, refused: 0 };
  const lines = createInterface({
    input: createReadStream(options.file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  type Outcome = {
    line: number;
    bytes: number;
    ref?: string;
    result?: { alreadyRegistered: boolean };
    error?: HavenError;
  };
  const window: Promise<Outcome>[] = [];
  const inFlight = new Map<string, Promise<unknown>>();
  const settle = async (pending: Promise<Outcome>) => {
    const outcome = await pending;
    if (outcome.result) {
      if (outcome.result.alreadyRegistered) summary.alreadyImported++;
      else summary.imported++;
    } else if (outcome.error) {
      const error = outcome.error;
      summary.refused++;
      options.onProblem({
        line: outcome.line,
        ...(outcome.ref ? { ref: outcome.ref } : {}),
        code: error.code,
        ...(error.fields ? { fields: error.fields.map((f) => ({ path: f.path, code: f.code })) } : {}),
        ...(error.withheld
          ? { fields: error.withheld.map((w) => ({ path: w.group, code: w.reasons[0] ?? 'refused' })) }
          : {}),
      });
    }
    options.onProgress?.(outcome.bytes, total);
  };
  let bytes = 0;
  let number = 0;
  try {
    await readLines();
  } catch (error) {
    // A fault (not a refusal) stops the import; the lines still in flight finish first, so nothing is left half done.
    await Promise.allSettled(window);
    throw error;
  }
  return summary;

  async function readLines(): Promise<void> {
    for await (const text of lines) {
      number++;
      bytes += Buffer.byteLength(text) + 1;
      if (text.trim() === '') continue;
      summary.lines++;
      const line = number;
      const read = bytes;
      let parsed: ReturnType<typeof parseImportLine>;
      try {
        parsed = parseImportLine(text);
      } catch (error) {
        if (!(error instanceof HavenError)) throw error;
        window.push(Promise.resolve({ line, bytes: read, error }));
        if (window.length >= IMPORT_WINDOW) await settle(window.shift()!);
        continue;
      }
      // Without a ref, the line itself identifies it: the same line imported twice is one person.
      const importRef = parsed.ref ?? `line:${text.trim()}`;
      const before = inFlight.get(importRef);
      const registration = (async (): Promise<Outcome> => {
        await before?.catch(() => {});
        try {
          const result = await ctx.registerPerson(
            {
              actor: { kind: 'importer', organisationId: options.organisationId, importId },
              purpose: options.purpose,
              requestId: `import-${line}`,
            },
            { values: parsed.values, basis: parsed.basis, importRef },
          );
          return { line, bytes: read, ...(parsed.ref ? { ref: parsed.ref } : {}), result };
        } catch (error) {
          if (!(error instanceof HavenError)) throw error;
          return { line, bytes: read, ...(parsed.ref ? { ref: parsed.ref } : {}), error };
        }
      })();
      inFlight.set(importRef, registration);
      registration
        .finally(() => {
          if (inFlight.get(importRef) === registration) inFlight.delete(importRef);
        })
        .catch(() => {});
      window.push(registration);
      if (window.length >= IMPORT_WINDOW) await settle(window.shift()!);
    }
    while (window.length > 0) await settle(window.shift()!);
  }
}
