import { isAssignedCountryCode } from '../domain/dictionary/index.ts';
import { HavenError } from '../domain/errors.ts';
import { textFault } from '../domain/text.ts';
import { type AuditActor, recordAuditEvent } from '../ledger/events.ts';
import type { Database, Sql } from '../store/database.ts';

/**
 * The controller as the record of processing names it (GDPR 30(1)(a), GOV-1): the organisation's name, how to
 * reach it and its DPO, and the country it is established in (transfers are counted from there). Public: the
 * transparency page and the concern form show it.
 */
export interface OrganisationProfile {
  id: string;
  slug: string;
  name: string;
  contact: string | null;
  dpoContact: string | null;
  country: string | null;
}

interface Row {
  id: string;
  slug: string;
  name: string;
  contact: string | null;
  dpo_contact: string | null;
  country: string | null;
}

const toProfile = (r: Row): OrganisationProfile => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  contact: r.contact,
  dpoContact: r.dpo_contact,
  country: r.country,
});

/** Every organisation on this instance, by name (for the public pages). */
export async function listOrganisations(sql: Sql): Promise<OrganisationProfile[]> {
  const { rows } = await sql.query<Row>(
    'select id, slug, name, contact, dpo_contact, country from organisation order by name, slug',
  );
  return rows.map(toProfile);
}

export async function organisationProfile(sql: Sql, slugOrId: string): Promise<OrganisationProfile> {
  const { rows } = await sql.query<Row>(
    `select id, slug, name, contact, dpo_contact, country from organisation
      where slug = $1 or ($1 ~ '^[0-9a-f-]{36}$' and id::text = $1)`,
    [slugOrId],
  );
  if (!rows[0]) {
    throw new HavenError('organisation-unknown', 'There is no organisation with that name here.', {
      status: 404,
    });
  }
  return toProfile(rows[0]);
}

export type ProfileChange = Partial<Pick<OrganisationProfile, 'name' | 'contact' | 'dpoContact' | 'country'>>;

function checkChange(change: ProfileChange): void {
  const problems: { path: string; code: string; message: string }[] = [];
  const text = (path: string, value: unknown, max: number, required: boolean) => {
    if (value === undefined || (value === null && !required)) return;
    if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
      problems.push({ path, code: 'text-invalid', message: `1 to ${max} characters.` });
    } else if (textFault(value, true)) {
      problems.push({ path, code: 'text-invalid', message: 'holds characters that are not text.' });
    }
  };
  text('name', change.name, 200, true);
  text('contact', change.contact, 500, false);
  text('dpoContact', change.dpoContact, 500, false);
  if (
    change.country != null &&
    (typeof change.country !== 'string' ||
      !/^[A-Z]{3}$/.test(change.country) ||
      !isAssignedCountryCode(change.country))
  ) {
    problems.push({
      path: 'country',
      code: 'country-invalid',
      message: 'an ISO 3166-1 alpha-3 country code.',
    });
  }
  if (problems.length > 0) {
    throw new HavenError('organisation-invalid', `${problems[0]!.path}: ${problems[0]!.message}`, {
      status: 422,
      fields: problems,
    });
  }
}

/** An administrator keeps their organisation's profile; the change is an audit event. */
export async function updateOrganisationProfile(
  db: Database,
  organisationId: string,
  change: ProfileChange,
  actor: AuditActor,
): Promise<OrganisationProfile> {
  checkChange(change);
  return db.transaction(async (tx) => {
    const current = await organisationProfile(tx, organisationId);
    const next = { ...current, ...change };
    await tx.query(
      'update organisation set name = $2, contact = $3, dpo_contact = $4, country = $5 where id = $1',
      [
        organisationId,
        next.name.trim(),
        next.contact?.trim() || null,
        next.dpoContact?.trim() || null,
        next.country ?? null,
      ],
    );
    await recordAuditEvent(tx, {
      actor,
      action: 'organisation.update',
      subject: organisationId,
      subjectType: 'organisation',
      decision: 'allow',
      reason: 'ok',
    });
    return organisationProfile(tx, organisationId);
  });
}
