import { loadConfig } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import { type Haven, openHaven } from '../../haven.ts';
import {
  type Account,
  changeAccount,
  createAccount,
  createOrganisation,
  findOrganisation,
  listAccounts,
  normaliseEmail,
} from '../../identity/accounts.ts';
import { accountIdByEmail } from '../../identity/factors.ts';
import type { AuditActor } from '../../ledger/events.ts';
import { createLogger } from '../../observability/logger.ts';
import { printJson, readStdin } from '../output.ts';

/** Non-interactive staff administration for scripts and tests; acts as the `cli` actor in the audit ledger. */
const CLI: AuditActor = { kind: 'cli' };

async function withHaven<T>(work: (haven: Haven) => Promise<T>): Promise<T> {
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  try {
    return await work(haven);
  } finally {
    await haven.close();
  }
}

function describeAccount(a: Account): string {
  const flags = [
    a.status,
    a.locked ? 'locked' : '',
    a.totpEnrolled ? 'totp' : '',
    a.passkeys ? `${a.passkeys} passkeys` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${a.id}  ${a.email}  ${a.role} (tier ${a.tier})  ${flags}`;
}

export interface CreateUserOptions {
  org: string;
  email: string;
  role: string;
  tier?: string;
  passwordStdin?: boolean;
  enrolTotp?: boolean;
  json?: boolean;
}

export async function createUser(options: CreateUserOptions): Promise<void> {
  if (!options.passwordStdin) {
    throw new HavenError('password-required', 'Pass the password on standard input with --password-stdin.', {
      status: 400,
    });
  }
  const password = await readStdin();
  const tier = options.tier === undefined ? undefined : Number(options.tier);
  await withHaven(async (haven) => {
    const result = await haven.db.transaction(async (tx) => {
      let organisation = await findOrganisation(tx, options.org);
      let organisationCreated = false;
      if (!organisation) {
        organisation = await createOrganisation(tx, { slug: options.org }, CLI);
        organisationCreated = true;
      }
      const created = await createAccount(
        haven.identity,
        tx,
        {
          organisationId: organisation.id,
          email: options.email,
          role: options.role,
          password,
          enrolTotp: options.enrolTotp === true,
          ...(tier === undefined ? {} : { tier }),
        },
        CLI,
      );
      return { organisation, organisationCreated, created };
    });
    const { account, totpUri, recoveryCodes, enrolmentCode } = result.created;
    if (options.json) {
      printJson({
        id: account.id,
        email: account.email,
        role: account.role,
        tier: account.tier,
        organisation: {
          id: result.organisation.id,
          slug: result.organisation.slug,
          created: result.organisationCreated,
        },
        ...(totpUri ? { totpUri, recoveryCodes } : { enrolmentCode }),
      });
      return;
    }
    if (result.organisationCreated)
      process.stderr.write(`Created organisation ${result.organisation.slug}.\n`);
    process.stdout.write(`Created ${describeAccount(account)}\n`);
    if (totpUri) {
      process.stdout.write(
        `Authenticator enrolment URI (show it only to the account holder):\n  ${totpUri}\n`,
      );
      process.stdout.write(`Recovery codes (each works once):\n  ${recoveryCodes!.join('\n  ')}\n`);
    } else {
      process.stdout.write(`One-time enrolment code for the first sign-in: ${enrolmentCode}\n`);
    }
  });
}

export async function listUsers(options: { org: string; json?: boolean }): Promise<void> {
  await withHaven(async (haven) => {
    const organisation = await findOrganisation(haven.db, options.org);
    if (!organisation)
      throw new HavenError('organisation-not-found', `No organisation ${options.org}.`, { status: 404 });
    const accounts = await listAccounts(haven.db, organisation.id);
    if (options.json) printJson(accounts);
    else
      process.stdout.write(
        accounts.length ? `${accounts.map(describeAccount).join('\n')}\n` : 'No accounts.\n',
      );
  });
}

export async function changeUser(
  email: string,
  change: Parameters<typeof changeAccount>[2],
  options: { json?: boolean },
): Promise<void> {
  await withHaven(async (haven) => {
    const normal = normaliseEmail(email);
    const id = await accountIdByEmail(haven.db, normal);
    if (!id) throw new HavenError('account-not-found', 'No account with that email.', { status: 404 });
    const account = await haven.db.transaction((tx) => changeAccount(tx, id, change, CLI));
    if (options.json) printJson(account);
    else process.stdout.write(`${describeAccount(account)}\n`);
  });
}

export async function createOrg(slug: string, options: { name?: string; json?: boolean }): Promise<void> {
  await withHaven(async (haven) => {
    const org = await haven.db.transaction((tx) =>
      createOrganisation(tx, { slug, ...(options.name ? { name: options.name } : {}) }, CLI),
    );
    if (options.json) printJson(org);
    else process.stdout.write(`Created organisation ${org.slug} (${org.id})\n`);
  });
}
