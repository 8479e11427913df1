import type { FastifyRequest } from 'fastify';
import { checkText, type TextShape } from '../domain/text.ts';
import type { HttpApp } from './http-app.ts';

/**
 * One check of every string (and object key) in every request's address, query and body, before schema
 * validation and before any route sees it (issue 13): control characters, broken surrogates and
 * non-characters are refused with `text-invalid`, naming the JSON path. Tab and line breaks pass only where
 * the route's schema marks the field `x-multiline` (schemas.ts, `MULTILINE`).
 */

/** The schema keyword that opts a field (and everything below it) into tab and line breaks. */
export const MULTILINE_KEYWORD = 'x-multiline';

type Schema = Readonly<Record<string, unknown>>;
type Resolve = (id: string) => unknown;

const PARTS = [
  { key: 'params', schema: 'params', root: 'params' },
  { key: 'query', schema: 'querystring', root: 'querystring' },
  { key: 'body', schema: 'body', root: 'body' },
] as const;

// Shapes are computed once per schema object, not per request.
const shapes = new WeakMap<object, TextShape>();

export function registerTextGuard(app: HttpApp): void {
  app.addHook('preValidation', async (request: FastifyRequest) => {
    const schema = (request.routeOptions.schema ?? {}) as Schema;
    const resolve: Resolve = (id) => request.server.getSchema(id);
    for (const part of PARTS) {
      const value: unknown = request[part.key];
      if (value === undefined || value === null) continue;
      checkText(value, textShape(schema[part.schema], resolve), part.root);
    }
  });
}

/** Where the schema lets strings hold line breaks: `x-multiline` on a node, followed through refs and unions. */
export function textShape(
  schema: unknown,
  resolve: Resolve,
  seen: ReadonlySet<unknown> = new Set(),
): TextShape {
  if (!isSchema(schema) || seen.has(schema)) return {};
  const cached = shapes.get(schema);
  if (cached !== undefined) return cached;
  const within = new Set([...seen, schema]);
  const parts: TextShape[] = [];
  if (schema[MULTILINE_KEYWORD] === true) parts.push({ multiline: true });
  if (typeof schema.$ref === 'string') parts.push(textShape(resolve(schema.$ref), resolve, within));
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = schema[keyword];
    if (Array.isArray(branches))
      for (const branch of branches) parts.push(textShape(branch, resolve, within));
  }
  if (isSchema(schema.properties)) {
    const properties: Record<string, TextShape> = {};
    for (const [name, member] of Object.entries(schema.properties)) {
      properties[name] = textShape(member, resolve, within);
    }
    parts.push({ properties });
  }
  for (const rest of [schema.items, schema.additionalProperties]) {
    if (isSchema(rest)) parts.push({ items: textShape(rest, resolve, within) });
  }
  if (isSchema(schema.patternProperties)) {
    for (const member of Object.values(schema.patternProperties)) {
      parts.push({ items: textShape(member, resolve, within) });
    }
  }
  const shape = merge(parts);
  shapes.set(schema, shape);
  return shape;
}

/** A union allows line breaks where any of its branches does; the body schema still decides what is valid. */
function merge(parts: readonly TextShape[]): TextShape {
  if (parts.length === 1) return parts[0] as TextShape;
  let multiline = false;
  const properties: Record<string, TextShape[]> = {};
  const items: TextShape[] = [];
  for (const part of parts) {
    multiline ||= part.multiline === true;
    for (const [name, member] of Object.entries(part.properties ?? {})) {
      properties[name] = [...(Object.hasOwn(properties, name) ? (properties[name] ?? []) : []), member];
    }
    if (part.items !== undefined) items.push(part.items);
  }
  const named = Object.entries(properties);
  return {
    ...(multiline ? { multiline } : {}),
    ...(named.length > 0
      ? { properties: Object.fromEntries(named.map(([name, list]) => [name, merge(list)])) }
      : {}),
    ...(items.length > 0 ? { items: merge(items) } : {}),
  };
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
