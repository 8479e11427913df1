import { Type } from 'typebox';
import { ACCESS_ANSWER_FORMAT, REDACTION_REASONS } from './access-answer.ts';

/**
 * The JSON Schema of the portable answer (GDPR 20): the HTTP API answers with it, and docs/schemas holds the same
 * document for anyone who receives a person's data (a test keeps the two equal).
 */
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A calendar day, YYYY-MM-DD' });
const Code = Type.String({ description: 'A stable code, in English; Haven’s pages translate it' });
const Reason = Type.String({ enum: [...REDACTION_REASONS] });

export const AccessAnswerSchema = Type.Object(
  {
    format: Type.Literal(ACCESS_ANSWER_FORMAT),
    request: Type.Object({
      id: Type.String({ format: 'uuid' }),
      kind: Type.String({ enum: ['access', 'portability'] }),
      receivedOn: Day,
    }),
    composedOn: Day,
    person: Type.Object({
      id: Type.String({ format: 'uuid', description: 'The person’s id in Haven' }),
      registeredOn: Day,
      organisation: Type.String({ description: 'The organisation that holds the record' }),
    }),
    data: Type.Array(
      Type.Object({
        group: Code,
        label: Type.String(),
        values: Type.Array(
          Type.Object({
            field: Code,
            label: Type.String(),
            category: Code,
            value: Type.Unknown({ description: 'As recorded: text, number, boolean, day, list or record' }),
            redacted: Type.Optional(Reason),
          }),
        ),
        sources: Type.Array(
          Type.Object({
            on: Day,
            action: Code,
            organisation: Type.Union([Type.Null(), Type.String()]),
            role: Type.Union([Type.Null(), Code]),
          }),
          { description: 'Each recorded change of the group, oldest first' },
        ),
      }),
      { description: 'Every value held, by field group' },
    ),
    purposes: Type.Array(
      Type.Object({
        name: Code,
        title: Type.String(),
        description: Type.String(),
        legalBases: Type.Array(Code),
        history: Type.Array(
          Type.Object({
            on: Day,
            basis: Code,
            action: Type.String({ enum: ['grant', 'withdraw'] }),
            noticeVersion: Type.Union([Type.Null(), Type.String()]),
            language: Type.Union([Type.Null(), Type.String()]),
            method: Type.Union([Type.Null(), Type.String()]),
          }),
        ),
        retention: Type.Union([Type.Null(), Type.String()]),
        automatedDecisions: Type.Boolean(),
      }),
    ),
    recipients: Type.Array(
      Type.Object({ organisation: Type.String(), roles: Type.Array(Code), purposes: Type.Array(Code) }),
    ),
    partners: Type.Array(Type.Object({ name: Type.String(), purposes: Type.Array(Code) })),
    retention: Type.Array(
      Type.Object({ group: Code, label: Type.String(), rules: Type.Array(Type.String()) }),
    ),
    automatedDecisions: Type.Array(
      Type.Object({ purpose: Type.Union([Type.Null(), Code]), logic: Type.String() }),
    ),
    redactions: Type.Array(Type.Object({ path: Type.String(), reason: Reason })),
  },
  {
    $id: 'https://haven.invalid/schemas/access-answer-1.json',
    title: 'Haven access answer',
    description: 'Everything Haven holds on one person, as given to them (GDPR 15 and 20).',
  },
);
