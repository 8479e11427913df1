import { loadConfig } from '../../config/config.ts';
import { HavenError } from '../../domain/errors.ts';
import { type Haven, openHaven } from '../../haven.ts';
import { getAccount, normaliseEmail } from '../../identity/accounts.ts';
import { accountIdByEmail } from '../../identity/factors.ts';
import { createLogger } from '../../observability/logger.ts';
import type { ReviewActor } from '../../reviews/grants.ts';
import { printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

/**
 * `haven reviews` (ACC-7; docs/access-reviews.md): start a review campaign as a DPO or administrator, list the
 * campaigns, and run now what the access-review job runs on its schedule — the lapse of grants past their review
 * date, and the disabling of dormant accounts. Ids, counts and staff emails only.
 */
async function withHaven<T>(work: (haven: Haven) => Promise<T>): Promise<T> {
  const haven = await openHaven(loadConfig(), { migrate: true, logger: createLogger('silent') });
  try {
    return await work(haven);
  } finally {
    await haven.close();
  }
}

async function governor(haven: Haven, email: string): Promise<ReviewActor & { accountId: string }> {
  const id = await accountIdByEmail(haven.db, normaliseEmail(email));
  const account = id ? await getAccount(haven.db, id) : undefined;
  if (account?.status !== 'active' || (account.role !== 'dpo' && account.role !== 'admin')) {
    throw new HavenError('account-not-found', `No active DPO or administrator account ${email}.`, {
      status: 404,
    });
  }
  return {
    accountId: account.id,
    organisationId: account.organisationId,
    role: account.role,
    audit: { kind: 'cli', account: account.id, organisation: account.organisationId, role: account.role },
  };
}

export async function reviewsStart(options: { as: string; dueBy?: string; json?: boolean }): Promise<void> {
  await withHaven(async (haven) => {
    const actor = await governor(haven, options.as);
    const campaign = await haven.reviews.startCampaign(
      actor,
      options.dueBy === undefined ? {} : { dueBy: options.dueBy },
    );
    if (options.json) return printJson(campaign);
    process.stdout.write(
      `Campaign ${campaign.id} started: ${campaign.items} grants before their reviewers, due by ${campaign.dueBy}.\n`,
    );
  });
}

export async function reviewsList(options: { as: string; json?: boolean }): Promise<void> {
  await withHaven(async (haven) => {
    const actor = await governor(haven, options.as);
    const campaigns = await haven.reviews.campaigns(actor.organisationId);
    if (options.json) return printJson(campaigns);
    const lines = campaigns.map(
      (c) =>
        `${c.id}  ${c.state.padEnd(6)} started ${c.startedAt.slice(0, 10)}  due by ${c.dueBy}  ${c.decided}/${c.items} decided (${c.approved} approved, ${c.revoked} revoked)`,
    );
    process.stdout.write(lines.length ? `${lines.join('\n')}\n` : 'No review campaigns.\n');
  });
}

function bar(label: string) {
  let started = false;
  const progress = progressBar(label);
  return {
    onProgress: (done: number, total: number) => {
      if (!started) {
        progress.start(total);
        started = true;
      }
      progress.update(done);
    },
    stop: () => started && progress.stop(),
  };
}

export async function reviewsLapse(options: { json?: boolean }): Promise<void> {
  await withHaven(async (haven) => {
    const progress = bar('Lapsing grants past their review date');
    try {
      const lapsed = await haven.reviews.lapseNow({
        actor: { kind: 'cli' },
        onProgress: progress.onProgress,
      });
      progress.stop();
      if (options.json) return printJson({ lapsed });
      process.stdout.write(`${lapsed} grants lapsed (ledger events access-grant.lapse).\n`);
    } finally {
      progress.stop();
    }
  });
}

export async function reviewsDormant(options: { json?: boolean }): Promise<void> {
  await withHaven(async (haven) => {
    const progress = bar('Disabling dormant accounts');
    try {
      const disabled = await haven.reviews.dormantNow({
        actor: { kind: 'cli' },
        onProgress: progress.onProgress,
      });
      progress.stop();
      if (options.json) return printJson({ disabled, dormantDays: haven.reviews.dormantDays });
      process.stdout.write(
        `${disabled} accounts unused for ${haven.reviews.dormantDays} days disabled; their sessions ended.\n`,
      );
    } finally {
      progress.stop();
    }
  });
}
