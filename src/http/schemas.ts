import { Type } from 'typebox';

/** Shapes shared by many routes; each route's schema validates requests and documents the API (OpenAPI). */

export const Withheld = Type.Object(
  {
    group: Type.String({ description: 'Field group' }),
    reasons: Type.Array(Type.String(), { description: 'Stable reason codes (ACC-9)' }),
    fields: Type.Optional(Type.Array(Type.String(), { description: 'Fields the purpose may not use' })),
  },
  { $id: 'Withheld', description: 'A field group (or some of its fields) withheld, and why.' },
);

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'Stable error code; match on this, not on the message.' }),
    message: Type.String({ description: 'What went wrong and what to do, for a person.' }),
    requestId: Type.String({ description: 'Quote this when reporting a problem.' }),
    reason: Type.Optional(
      Type.String({ description: 'For denials: the rule or missing condition (ACC-9).' }),
    ),
    fields: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String(),
          code: Type.String(),
          message: Type.String(),
        }),
      ),
    ),
    withheld: Type.Optional(Type.Array(Type.Ref('Withheld'))),
  },
  { $id: 'Error', description: 'Every error response has this shape; it never holds a submitted value.' },
);

export const Uuid = Type.String({ format: 'uuid' });
export const Email = Type.String({ minLength: 3, maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: 256 });
export const Role = Type.Union([
  Type.Literal('clerk'),
  Type.Literal('caseworker'),
  Type.Literal('supervisor'),
  Type.Literal('dpo'),
  Type.Literal('auditor'),
  Type.Literal('admin'),
  Type.Literal('oversight'),
]);
export const Tier = Type.Integer({ minimum: 1, maximum: 4 });

/** Standard error responses to attach to a route's `response` map. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  423: ErrorBody,
  429: ErrorBody,
  500: ErrorBody,
};

/**
 * Marks a field whose text may hold tab and line breaks (a justification, notes, a policy file); every other
 * string in a request is refused if it holds one (text-guard.ts). Spread it into the field's options.
 */
export const MULTILINE = { 'x-multiline': true } as const;
