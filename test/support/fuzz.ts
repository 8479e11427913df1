import fc from 'fast-check';

/**
 * Hostile input from the API's own schemas (threat model: malformed or hostile input). `shaped` turns an OpenAPI
 * (JSON Schema) body into values of the right shape; `hostile` takes such a value and breaks one place in it —
 * a hostile string, a wrong type, a huge or deeply nested value, a prototype key, an extra or a missing key — or
 * sends something that is not JSON at all. Strings carry MARKER_SLOT, which the sender replaces by a marker unique
 * to the request, so a test can search the database for what a refused request left behind.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
}

/** What the schema does not say but a deep test needs: real names and values to draw from now and then. */
export interface Hints {
  /** Resolves `$ref`s (the OpenAPI document's components.schemas). */
  refs?: Record<string, JsonSchema>;
  /** Keys for open-ended objects (data-dictionary field names). */
  keys?: readonly string[];
  /** Plausible strings (purpose names, notice versions, dates, country codes, real ids). */
  strings?: readonly string[];
}

/** Ten lowercase letters and digits: survives e-mail lowercasing, patterns like ^[a-z0-9-]+$, JSON and SQL. */
export const MARKER_SLOT = 'qz00000000';

/** Control characters, NUL, lone surrogates, bidi overrides, injection and template probes. */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\u202e\u2066evil\u2069',
  '\u200f\u200b\ufeff',
  '\u0007\u001b[31m\u0008\u007f',
  '\r\n\t',
  "'; drop table person; --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '${7*7}{{7*7}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00%ff',
  '\\"\\',
  ' ',
  '',
  'null',
  '9'.repeat(400),
  'e\u0301\u0301\u0301\u0301',
  '\ufdd0\uffff',
  '𝕳𝖆𝖛𝖊𝖓',
];

export const PROTOTYPE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

const MEGABYTE = 1 << 20;

function nested(depth: number, leaf: unknown, asObject: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
}

/** Values of no particular type, each somewhere a parser or a database has been known to trip. */
const oddValues: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  0,
  -1,
  1.5,
  1e308,
  -0,
  2 ** 53 + 1,
  true,
  false,
  null,
  [],
  {},
  [MARKER_SLOT],
  { value: MARKER_SLOT },
  `${MARKER_SLOT}`,
  '2026-02-30',
  '0000-00-00T00:00:00Z',
);

const hostileString: fc.Arbitrary<string> = fc
  .constantFrom(...HOSTILE_STRINGS)
  .map((s) => `${MARKER_SLOT}${s}`);

/** Big values: ~1 MB (over the body limit), 100 kB (under it), 10⁴ items, 1000 levels of nesting. */
const hugeValues: fc.Arbitrary<unknown> = fc
  .constantFrom(
    () => `${MARKER_SLOT}${'x'.repeat(MEGABYTE)}`,
    () => `${MARKER_SLOT}${'\u202e'.repeat(50_000)}`,
    () => Array.from({ length: 10_000 }, () => MARKER_SLOT),
    () => nested(1000, MARKER_SLOT, false),
    () => nested(1000, MARKER_SLOT, true),
  )
  .map((make) => make());

function resolve(schema: JsonSchema, hints: Hints): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').pop()!;
  const target = hints.refs?.[name];
  if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
  return resolve(target, hints);
}

function hinted(hints: Hints, accept: (s: string) => boolean): string[] {
  return (hints.strings ?? []).filter(accept);
}

function stringOf(schema: JsonSchema, hints: Hints): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 300;
  const fits = (s: string) => s.length >= min && s.length <= max;
  let base: fc.Arbitrary<string>;
  if (schema.format === 'uuid') {
    base = fc.uuid();
  } else if (schema.format === 'date-time') {
    base = fc
      .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  } else if (schema.pattern) {
    const pattern = new RegExp(schema.pattern);
    base = fc.stringMatching(pattern).filter(fits);
    const known = hinted(hints, (s) => pattern.test(s) && fits(s));
    return known.length ? fc.oneof(base, fc.constantFrom(...known)) : base;
  } else {
    // Free text carries the marker when there is room for it.
    const room = max - MARKER_SLOT.length;
    base =
      room >= 0
        ? fc
            .string({
              unit: 'grapheme',
              minLength: Math.max(0, min - MARKER_SLOT.length),
              maxLength: Math.min(room, 40),
            })
            .map((s) => `${MARKER_SLOT}${s}`)
        : fc.string({ minLength: min, maxLength: max });
  }
  const known = hinted(hints, (s) => fits(s) && (schema.format !== 'uuid' || /^[0-9a-f-]{36}$/.test(s)));
  return known.length ? fc.oneof(base, fc.constantFrom(...known)) : base;
}

function objectOf(schema: JsonSchema, hints: Hints, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const names = Object.keys(properties);
  const open = schema.additionalProperties;
  if (names.length === 0 && open !== false) {
    const valueSchema = typeof open === 'object' ? open : {};
    const key = hints.keys?.length
      ? fc.oneof(fc.constantFrom(...hints.keys), fc.string({ maxLength: 12 }))
      : fc.string({ maxLength: 12 });
    return fc.dictionary(key, shaped(valueSchema, hints, depth + 1), {
      minKeys: schema.minProperties ?? 0,
      maxKeys: 6,
    });
  }
  const model = Object.fromEntries(names.map((n) => [n, shaped(properties[n]!, hints, depth + 1)]));
  return fc
    .record(model, { requiredKeys: schema.required ?? [] })
    .filter((value) => Object.keys(value).length >= (schema.minProperties ?? 0));
}

/** A value the schema accepts (or nearly: string patterns and hints make it realistic, not exhaustive). */
export function shaped(input: JsonSchema, hints: Hints = {}, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input, hints);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return fc.oneof(...choices.map((s) => shaped(s, hints, depth)));
  if (schema.allOf) {
    const parts = schema.allOf.map((s) => resolve(s, hints));
    const merged: JsonSchema = {
      type: 'object',
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
    };
    return shaped(merged, hints, depth);
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return stringOf(schema, hints);
    case 'integer': {
      // Where the schema sets no bound, the edges of the database's integer types are still well-shaped.
      const min = schema.minimum ?? Number.MIN_SAFE_INTEGER;
      const max = schema.maximum ?? Number.MAX_SAFE_INTEGER;
      const edges = [2 ** 31, 2 ** 53 - 1, -(2 ** 31) - 1, 2 ** 63].filter((n) => n >= min && n <= max);
      const small = fc.integer({ min: Math.max(min, -1000), max: Math.min(max, 100_000) });
      return edges.length ? fc.oneof({ weight: 4, arbitrary: small }, fc.constantFrom(...edges)) : small;
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(shaped(schema.items ?? {}, hints, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object':
      return objectOf(schema, hints, depth);
    default: {
      // Anything goes (a dictionary value): strings the dictionary may know, numbers, lists, small objects.
      const leaf = fc.oneof(stringOf({}, hints), fc.integer(), fc.boolean(), fc.constant(null));
      return depth > 3
        ? leaf
        : fc.oneof(
            leaf,
            fc.array(leaf, { maxLength: 3 }),
            fc.dictionary(fc.string({ maxLength: 8 }), leaf, { maxKeys: 3 }),
          );
    }
  }
}

type Path = (string | number)[];

/** Every place in a value, the root included (the empty path). */
function pathsOf(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) {
    for (const [i, v] of value.slice(0, 20).entries()) out.push(...pathsOf(v, [...at, i]));
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

function replaceAt(value: unknown, path: Path, change: (old: unknown) => unknown): unknown {
  if (path.length === 0) return change(value);
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaceAt(v, rest, change) : v));
  // Object.fromEntries makes own properties, so "__proto__" stays a key instead of becoming the prototype.
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      k === head ? replaceAt(v, rest, change) : v,
    ]),
  );
}

function withKey(value: unknown, key: string, extra: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries([...Object.entries(value), [key, extra]]);
}

function withoutKey(value: unknown, key: string | number | undefined): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));
}

export type Mutation =
  | 'hostile-string'
  | 'wrong-type'
  | 'huge'
  | 'prototype-key'
  | 'extra-key'
  | 'missing-key';

const mutations: fc.Arbitrary<Mutation> = fc.constantFrom<Mutation>(
  'hostile-string',
  'wrong-type',
  'huge',
  'prototype-key',
  'extra-key',
  'missing-key',
);

/** One thing broken in a well-shaped value. */
export function mutate(value: unknown): fc.Arbitrary<{ mutation: Mutation; path: Path; value: unknown }> {
  const paths = pathsOf(value);
  return fc
    .record({
      mutation: mutations,
      path: fc.constantFrom(...paths),
      string: hostileString,
      odd: oddValues,
      huge: hugeValues,
      key: fc.constantFrom(...PROTOTYPE_KEYS),
    })
    .map(({ mutation, path, string, odd, huge, key }) => {
      const parent = path.slice(0, -1);
      const changed = (() => {
        switch (mutation) {
          case 'hostile-string':
            return replaceAt(value, path, () => string);
          case 'wrong-type':
            return replaceAt(value, path, () => odd);
          case 'huge':
            return replaceAt(value, path, () => huge);
          case 'prototype-key':
            return replaceAt(value, path, (v) =>
              withKey(v, key, { polluted: MARKER_SLOT, isAdmin: true, role: 'admin' }),
            );
          case 'extra-key':
            return replaceAt(value, path, (v) => withKey(v, 'fuzz-extra', string));
          case 'missing-key':
            return replaceAt(value, parent, (v) => withoutKey(v, path.at(-1)));
        }
      })();
      return { mutation, path, value: changed };
    });
}

/** A request body as sent: JSON of a value, raw bytes with a content type, or nothing. */
export type FuzzBody =
  | { kind: 'json'; label: string; value: unknown }
  | { kind: 'raw'; label: string; payload: string | Buffer; contentType: string }
  | { kind: 'none'; label: string };

const rawBodies: fc.Arbitrary<FuzzBody> = fc.constantFrom<FuzzBody>(
  { kind: 'raw', label: 'truncated JSON', payload: `{"a": "${MARKER_SLOT}`, contentType: 'application/json' },
  { kind: 'raw', label: 'not JSON', payload: `nul${MARKER_SLOT}`, contentType: 'application/json' },
  {
    kind: 'raw',
    label: 'raw NUL',
    payload: `{"a": "${MARKER_SLOT}\u0000"}`,
    contentType: 'application/json',
  },
  {
    kind: 'raw',
    label: 'escaped lone surrogate',
    payload: `{"a": "${MARKER_SLOT}\\ud800"}`,
    contentType: 'application/json',
  },
  {
    kind: 'raw',
    label: 'duplicate keys',
    payload: `{"a": 1, "a": "${MARKER_SLOT}"}`,
    contentType: 'application/json',
  },
  {
    kind: 'raw',
    label: '__proto__ key',
    payload: `{"__proto__": {"isAdmin": true, "x": "${MARKER_SLOT}"}}`,
    contentType: 'application/json',
  },
  {
    kind: 'raw',
    label: 'constructor.prototype',
    payload: `{"constructor": {"prototype": {"x": "${MARKER_SLOT}"}}}`,
    contentType: 'application/json',
  },
  {
    kind: 'raw',
    label: 'huge number',
    payload: `{"a": 1e999999, "b": "${MARKER_SLOT}"}`,
    contentType: 'application/json',
  },
  {
    kind: 'raw',
    label: 'invalid UTF-8',
    payload: Buffer.concat([
      Buffer.from(`{"a": "${MARKER_SLOT}`),
      Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]),
    contentType: 'application/json',
  },
  {
    kind: 'raw',
    label: 'deep raw nesting',
    payload: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    contentType: 'application/json',
  },
  { kind: 'raw', label: 'text/plain', payload: `${MARKER_SLOT} hello`, contentType: 'text/plain' },
  {
    kind: 'raw',
    label: 'form',
    payload: `a=${MARKER_SLOT}`,
    contentType: 'application/x-www-form-urlencoded',
  },
  {
    kind: 'raw',
    label: 'charset latin1',
    payload: `{"a": "${MARKER_SLOT}"}`,
    contentType: 'application/json; charset=latin1',
  },
  { kind: 'none', label: 'no body' },
);

/**
 * Bodies for one operation: some well-shaped (they may be accepted), most with one thing broken, a few not JSON.
 * `examples` are known-good bodies: mutating them reaches the code behind validation, not only the validator.
 */
export function hostile(
  schema: JsonSchema | undefined,
  hints: Hints = {},
  examples: unknown[] = [],
): fc.Arbitrary<FuzzBody> {
  const base = schema ? shaped(schema, hints) : shaped({}, hints);
  const start = examples.length ? fc.oneof(base, fc.constantFrom(...examples)) : base;
  return fc.oneof(
    { weight: 2, arbitrary: start.map((value): FuzzBody => ({ kind: 'json', label: 'well-shaped', value })) },
    {
      weight: 7,
      arbitrary: start
        .chain(mutate)
        .map(
          (m): FuzzBody => ({ kind: 'json', label: `${m.mutation} at /${m.path.join('/')}`, value: m.value }),
        ),
    },
    { weight: 1, arbitrary: rawBodies },
  );
}

/** Path parameter values: usually the real one, sometimes one that is not an id at all (already URL-encoded). */
export function pathValue(real: string | undefined): fc.Arbitrary<string> {
  const odd = fc.constantFrom(
    '00000000-0000-0000-0000-000000000000',
    'not-a-uuid',
    `${MARKER_SLOT}%00`,
    '%ED%A0%80',
    '%E2%80%AE',
    '..%2F..%2Fetc',
    'a'.repeat(5000),
    '-1',
    '1e999',
    '%20',
  );
  return real === undefined
    ? odd
    : fc.oneof({ weight: 4, arbitrary: fc.constant(real) }, { weight: 1, arbitrary: odd });
}

/** The serialized body with its marker, and the content type to send it with. */
export function serialize(
  body: FuzzBody,
  marker: string,
): { payload?: string | Buffer; contentType?: string } {
  if (body.kind === 'none') return {};
  if (body.kind === 'json') {
    return {
      payload: JSON.stringify(body.value).replaceAll(MARKER_SLOT, marker),
      contentType: 'application/json',
    };
  }
  const payload =
    typeof body.payload === 'string'
      ? body.payload.replaceAll(MARKER_SLOT, marker)
      : Buffer.from(body.payload.toString('latin1').replaceAll(MARKER_SLOT, marker), 'latin1');
  return { payload, contentType: body.contentType };
}

/** How many generated inputs per case, and the seed (HAVEN_FUZZ_RUNS, HAVEN_FUZZ_SEED). */
export function fuzzSettings(defaultRuns: number): { runs: number; seed: number } {
  const runs = Number(process.env.HAVEN_FUZZ_RUNS ?? defaultRuns);
  const seed = Number(process.env.HAVEN_FUZZ_SEED ?? 20_260_213);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('HAVEN_FUZZ_RUNS must be a positive integer');
  if (!Number.isInteger(seed)) throw new Error('HAVEN_FUZZ_SEED must be an integer');
  return { runs, seed };
}

/** A stable seed per case, so adding an operation does not change what the others are sent. */
export function caseSeed(seed: number, name: string): number {
  let h = seed | 0;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h;
}

/** A short description of a body for failure messages: shape and sizes, never megabytes of it. */
export function describeBody(body: FuzzBody): string {
  if (body.kind === 'none') return body.label;
  const text = body.kind === 'json' ? JSON.stringify(body.value) : body.payload.toString();
  const shown = text.length > 160 ? `${text.slice(0, 160)}… (${text.length} chars)` : text;
  return `${body.label}: ${JSON.stringify(shown)}`;
}
