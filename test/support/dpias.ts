import { randomUUID } from 'node:crypto';
import type { Dictionary } from '../../src/domain/dictionary/index.ts';
import { dpiaNeed } from '../../src/domain/dpia/criteria.ts';
import { checkDpiaContent, type DpiaContent } from '../../src/domain/dpia/dpia.ts';
import type { Database } from '../../src/store/database.ts';

/** A complete DPIA (every part written, the three feared events rated), reviewed on `reviewDate`. */
export function completeDpiaContent(
  reviewDate: string,
  description = 'Registration of people in the field.',
): DpiaContent {
  const risk = (event: string, description: string) => ({
    event,
    description,
    rating: { likelihood: 3 as const, severity: 4 as const },
    measures: ['Encryption with a key per person', 'Purpose and consent checked on every access'],
    residual: { likelihood: 1 as const, severity: 4 as const },
  });
  return {
    description,
    necessity: 'Without registration no protection or assistance can be given.',
    proportionality: 'Only the minimal data set of the purpose is collected; retention is limited.',
    risks: [
      risk('illegitimate-access', 'The authorities of the country of origin obtain the records.'),
      risk('unwanted-change', 'A record is altered to deny someone assistance.'),
      risk('disappearance', 'Records are lost with a device.'),
    ],
    consultation: { sought: true, summary: 'Community meetings in two camps; concerns about sharing noted.' },
    reviewDate,
  };
}

/**
 * Test support: every purpose that needs a DPIA gets an approved one in force for a year, written straight into
 * the DPIA register as a migrated approval would be (no author, so no staff account is created). Tests of the
 * DPIA workflow itself start without them (startTestHaven's `dpias: false`).
 */
export async function approveDpiasForTests(
  db: Database,
  dictionary: Dictionary,
  now = new Date(),
): Promise<void> {
  const reviewDate = new Date(now.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
  for (const purpose of dictionary.purposes) {
    if (!dpiaNeed(dictionary, purpose).required) continue;
    const content = completeDpiaContent(reviewDate, `Processing for ${purpose.title}.`);
    checkDpiaContent(content, { complete: true, today: now.toISOString().slice(0, 10) });
    await db.query(
      `insert into dpia (id, version, subject_kind, subject, status, content, dpo_opinion, submitted_at, decided_at,
                         decision_note, review_date)
       values ($1, 1, 'purpose', $2, 'approved', $3, 'Test fixture.', $4, $4, 'test fixture', $5)`,
      [randomUUID(), purpose.name, content as unknown as Record<string, unknown>, now, reviewDate],
    );
  }
}
