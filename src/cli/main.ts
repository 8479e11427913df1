import { Command, CommanderError, Option } from 'commander';
import { ROLES } from '../domain/roles.ts';
import { HAVEN_VERSION } from '../http/openapi.ts';
import {
  backupCreate,
  backupDrill,
  backupKeygen,
  backupList,
  backupRestore,
  backupVerify,
} from './commands/backup.ts';
import { demoCommand } from './commands/demo.ts';
import { importCommand } from './commands/import.ts';
import {
  incidentsDrills,
  incidentsList,
  incidentsNotify,
  incidentsOpen,
  incidentsShow,
  incidentsState,
} from './commands/incidents.ts';
import { incidentsAffected, incidentsNotices } from './commands/incidents-affected.ts';
import { jobsStatus } from './commands/jobs.ts';
import { keyStatus, rotateKeys } from './commands/keys.ts';
import {
  addWitness,
  ledgerCheckpoint,
  ledgerExport,
  ledgerKey,
  ledgerVerify,
  runWitness,
  witnessKeygen,
} from './commands/ledger.ts';
import { migrateCommand } from './commands/migrate.ts';
import {
  monitoringAlertsCommand,
  monitoringBaselinesCommand,
  monitoringEvaluateCommand,
} from './commands/monitoring.ts';
import { retentionPreviewCommand, retentionSweepCommand } from './commands/retention.ts';

import { reviewsDormant, reviewsLapse, reviewsList, reviewsStart } from './commands/reviews.ts';
import { rightsList, rightsShow } from './commands/rights.ts';
import { serve } from './commands/serve.ts';
import { changeUser, createOrg, createUser, listUsers } from './commands/users.ts';
import { EXIT, fail } from './output.ts';

/** The `haven` command. Every subcommand reads the same HAVEN_* settings as the server. */
const program = new Command('haven')
  .description('Haven: registry and case management that enforces data protection on every access.')
  .version(HAVEN_VERSION, '-v, --version')
  .showHelpAfterError()
  .exitOverride();

program
  .command('serve')
  .description('Start the HTTP server (applies pending migrations first)')
  .action(serve);

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .option('--json', 'print the result as JSON')
  .action(migrateCommand);

const users = program.command('users').description('Staff accounts');
users
  .command('create')
  .description('Create a staff account (creates the organisation if it does not exist)')
  .requiredOption('--org <slug>', 'organisation slug')
  .requiredOption('--email <email>', 'sign-in email')
  .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
  .option('--tier <n>', 'highest sensitivity tier the account may read (1-4)', '1')
  .option('--password-stdin', 'read the password from standard input')
  .option('--enrol-totp', 'enrol TOTP now and print its otpauth:// URI and recovery codes')
  .option('--json', 'print the result as JSON')
  .action(createUser);
users
  .command('list')
  .description('List the staff accounts of an organisation')
  .requiredOption('--org <slug>', 'organisation slug')
  .option('--json', 'print the result as JSON')
  .action(listUsers);
for (const [name, description, change] of [
  ['disable', 'Disable an account and end its sessions at once', { status: 'disabled' }],
  ['enable', 'Enable a disabled account', { status: 'active' }],
  ['unlock', 'Unlock an account locked after failed sign-ins', { unlock: true }],
] as const) {
  users
    .command(`${name} <email>`)
    .description(description)
    .option('--json', 'print the result as JSON')
    .action((email: string, options: { json?: boolean }) => changeUser(email, change, options));
}

program
  .command('import')
  .description(
    'Import people from a JSON Lines file through the gate (see docs/import.md); re-runs skip what is done',
  )
  .requiredOption('--org <slug>', 'organisation the people are registered by')
  .requiredOption('--purpose <purpose>', 'the purpose of the registration, from the purpose register')
  .requiredOption('--file <file>', 'JSON Lines: one person per line with their consent or legal basis')
  .option('--report <file>', 'write refused lines (line number, error code, fields) as JSON Lines')
  .option('--json', 'print the summary as JSON')
  .action(importCommand);

program
  .command('demo')
  .description(
    'Create a demo organisation with staff of every role and N synthetic people, through the gate; prints the staff sign-ins once',
  )
  .option('--people <n>', 'how many people to register (1 to 1,000,000)', '1000')
  .option('--seed <n>', 'the same seed gives the same people (0 to 4294967295)', '1')
  .option('--org <slug>', 'slug of the new demo organisation (refused if it exists)', 'demo')
  .option(
    '--concurrency <n>',
    'households registered at once (default: 2 embedded, the pool size on a server)',
  )
  .option('--json', 'print the organisation, staff sign-ins and summary as JSON')
  .action(demoCommand);

const keys = program.command('keys').description('The key ring and the key vault');
keys
  .command('rotate')
  .description('New key-encryption key; re-wrap every person data key under it (resumable, data untouched)')
  .option('--json', 'print the result as JSON')
  .action(rotateKeys);
keys
  .command('status')
  .description('Key protection, KEK versions and data keys per vault key')
  .option('--json', 'print as JSON')
  .action(keyStatus);

const ledger = program.command('ledger').description('The tamper-evident audit ledger (AUD-2 – AUD-4)');
ledger
  .command('key')
  .description('Print the verifier key of the ledger (signed-note format)')
  .action(ledgerKey);
ledger
  .command('checkpoint')
  .description('Sequence pending events and sign a checkpoint now')
  .option('--out <file>', 'write the signed note to a file')
  .action(ledgerCheckpoint);
ledger
  .command('export')
  .description('Export entries as NDJSON for `haven ledger verify`')
  .option('--from <index>', 'first entry', '0')
  .option('--to <index>', 'end (exclusive); default: the tree size')
  .option('--out <file>', 'write to a file (with a progress bar) instead of standard output')
  .action(ledgerExport);
ledger
  .command('verify')
  .description('Verify an export against signed checkpoints without any database; exit 0 only if all holds')
  .requiredOption('--events <file>', 'NDJSON export')
  .option(
    '--checkpoint <file>',
    'a signed checkpoint note or published checkpoint (repeatable)',
    (file: string, files: string[] = []) => [...files, file],
  )
  .option('--checkpoints <folder>', 'a folder of published checkpoints (HAVEN_CHECKPOINT_PUBLISH)')
  .requiredOption('--key <key>', 'the ledger verifier key, or a file holding it')
  .option('--json', 'print the report as JSON')
  .action(ledgerVerify);
ledger
  .command('witness-add <name>')
  .description('Register a witness by its verifier key; prints its access token once')
  .requiredOption('--key <key>', 'the witness verifier key, or a file holding it')
  .option('--json', 'print as JSON')
  .action(addWitness);

const witness = program
  .command('witness')
  .description('An oversight body’s witness of the audit ledger (AUD-3)');
witness
  .command('run')
  .description('Verify the log’s new checkpoint against the last one cosigned, then cosign it')
  .requiredOption('--log <url>', 'the Haven server, e.g. https://haven.example.org')
  .requiredOption('--log-key <key>', 'the ledger verifier key, or a file holding it')
  .requiredOption('--key <file>', 'this witness’s signer key file (see `haven witness keygen`)')
  .requiredOption('--state <file>', 'where the witness keeps the last checkpoint it cosigned')
  .requiredOption('--token <token>', 'the access token from `haven ledger witness-add`, or a file holding it')
  .option('--interval <seconds>', 'keep running, checking every N seconds')
  .action(runWitness);
witness
  .command('keygen <name>')
  .description('Make a witness key pair; prints the verifier key to register with the log')
  .requiredOption('--out <file>', 'where to write the private signer key')
  .action(witnessKeygen);

const rights = program
  .command('rights')
  .description('Rights requests of the person (RIG-1, RIG-2), through the gate as a staff account');
rights
  .command('list')
  .description('List the requests the account may handle, open ones first by deadline, the overdue marked')
  .requiredOption('--as <email>', 'the staff account the gate decides for (its role, organisation, caseload)')
  .option('--open', 'only the requests not yet answered or refused')
  .option('--json', 'print as JSON')
  .action(rightsList);
rights
  .command('show <id>')
  .description('Show one request: kind, channel, state, deadline, identity check (never the sealed words)')
  .requiredOption('--as <email>', 'the staff account the gate decides for (its role, organisation, caseload)')
  .option('--json', 'print as JSON')
  .action(rightsShow);

const incidents = program
  .command('incidents')
  .description('The incident register and the 72-hour clock to tell the authority (BRE-1, BRE-2); drills');
const asIncidentAccount = '--as <email>';
incidents
  .command('list')
  .description(
    'Incidents and drills, newest awareness first, each with its clock (time left, overdue, notified)',
  )
  .requiredOption(asIncidentAccount, 'a DPO, oversight or auditor account (the auditor sees no free text)')
  .option('--year <year>', 'only incidents the organisation became aware of in this year')
  .option('--drills', 'only drills')
  .option('--no-drills', 'only real incidents')
  .option('--json', 'print as JSON')
  .action(incidentsList);
incidents
  .command('show <incident>')
  .description('One incident (its id or reference, e.g. INC-2026-001): details, clock, notification')
  .requiredOption(asIncidentAccount, 'a DPO, oversight or auditor account')
  .option('--draft', 'print the generated notification to the authority instead (DPO), to edit and send')
  .option('--json', 'print as JSON')
  .action(incidentsShow);
incidents
  .command('open')
  .description('Open an incident (suspected) or a drill; the clock runs from the awareness time')
  .requiredOption(asIncidentAccount, 'a DPO account')
  .requiredOption('--aware-at <time>', 'when the organisation became aware, e.g. 2026-12-07T09:30:00Z')
  .requiredOption('--nature <codes>', 'confidentiality, integrity, availability (comma-separated)')
  .option('--categories <codes>', 'the data categories concerned (the dictionary’s, comma-separated)')
  .option('--people <codes>', 'registered-people, children, family-members, staff, partner-staff')
  .option('--description <text>', 'what happened (sealed; name no one: the people affected are computed)')
  .option('--drill', 'a drill: the same clock and texts, nothing is sent')
  .option('--json', 'print as JSON')
  .action(incidentsOpen);
incidents
  .command('state <incident> <to>')
  .description(
    'Move an incident: confirmed, contained or closed (closing needs measures and the notification)',
  )
  .requiredOption(asIncidentAccount, 'a DPO account')
  .option('--json', 'print as JSON')
  .action(incidentsState);
incidents
  // The argument apart from the name: the boundary test's SQL scan would read "notify <…>" as SQL's NOTIFY.
  .command('notify')
  .argument('<incident>', 'its id or reference')

  .description('Record the notification sent to the supervisory authority (after 72 hours with a reason)')
  .requiredOption(asIncidentAccount, 'a DPO account')
  .requiredOption('--at <time>', 'when it was sent')
  .requiredOption('--to <authority>', 'the supervisory authority told')
  .requiredOption(
    '--text-file <file>',
    'what was said (start from `haven incidents show <incident> --draft`)',
  )
  .option(
    '--late-reason <code>',
    'when late: investigation-needed, information-in-phases, authority-unreachable, processor-told-late, other',
  )
  .option('--late-note <text>', 'the reason in words (required for "other")')
  .option('--json', 'print as JSON')
  .action(incidentsNotify);
incidents
  .command('drills')
  .description('Drill figures of a year: how long each step took, per drill and in summary')
  .requiredOption(asIncidentAccount, 'a DPO, oversight or auditor account')
  .option('--year <year>', 'the year (this year unless given)')
  .option('--json', 'print as JSON')
  .action(incidentsDrills);
incidents
  .command('affected <incident>')
  .description(
    'The people the incident’s compromised source exposed in its window, from the ledger (BRE-3): counts by category',
  )
  .requiredOption(asIncidentAccount, 'a DPO account to compute; DPO, oversight or auditor to read the counts')
  .option(
    '--compute',
    'compute (again) from the ledger (DPO); until notices are issued, replaces the last result',
  )
  .option('--json', 'print as JSON')
  .action(incidentsAffected);
incidents
  .command('notices <incident>')
  .description(
    'Notices to the people a high-risk breach affected (BRE-2): issue them once, or print the letters (a drill’s are drafts)',
  )
  .requiredOption(asIncidentAccount, 'a DPO account')
  .option('--issue', 'issue one notice per person, in their language: portal or letter')
  .option('--letters', 'print the letters as text, a form feed between them (names read are in the ledger)')
  .option('--all', 'with --letters: every notice, also for people who have the portal')
  .option('--json', 'print as JSON')
  .action(incidentsNotices);

const retention = program
  .command('retention')

  .description('Retention rules, what falls due (RET-1) and the sweep that erases it (RET-2)');
retention
  .command('preview')
  .description('What the rules make due within N days, per day and category, and what legal holds keep')
  .requiredOption('--as <email>', 'a supervisor or DPO account the gate decides for')
  .option('--days <n>', 'how many days ahead (0 to 3660)', '30')
  .option('--json', 'print as JSON, with every item (ids, groups, rules; never a value)')
  .action(retentionPreviewCommand);
retention
  .command('sweep')
  .description(
    'Erase now what the rules make due today (RET-2), as the scheduled job does; with an embedded database, stop the server first',
  )
  .option('--batch <n>', 'persons or field groups per transaction (1 to 50000)', '5000')
  .option('--json', 'print the figures as JSON')
  .action(retentionSweepCommand);

const monitoring = program
  .command('monitoring')
  .description(
    'Anomaly detection over the ledger (AUD-6): measure the rules, list alerts, recompute baselines',
  );
monitoring
  .command('evaluate')
  .description(
    'Run synthetic staff work with injected insider scenarios through the rules; print the detection rate and false alerts per 1,000 staff-days (no database needed)',
  )
  .option('--seed <seed>', 'seed of the synthetic traffic (the same seed gives the same figures)', 'haven')
  .option('--staff <n>', 'staff members (1 to 5000); partners are one per 20 staff', '200')
  .option('--days <n>', 'days measured after 14 days of warm-up (1 to 730)', '60')
  .option('--per-scenario <n>', 'injected scenarios of each kind (1 to 100)', '4')
  .option('--json', 'print the figures as JSON')
  .action(monitoringEvaluateCommand);
monitoring
  .command('alerts')
  .description(
    'An organisation’s open alerts (rule, staff account, evidence entries), or the acknowledged ones',
  )
  .requiredOption('--org <slug>', 'the organisation')
  .option('--acknowledged', 'the 50 acknowledged last, with their outcome')
  .option('--json', 'print as JSON')
  .action(monitoringAlertsCommand);
monitoring
  .command('baselines')
  .description(
    'Judge the ledger entries not yet judged, then recompute every baseline now (the daily job does this too); with an embedded database, stop the server first',
  )
  .option('--json', 'print the figures as JSON')
  .action(monitoringBaselinesCommand);

const reviews = program
  .command('reviews')
  .description(
    'Access recertification (ACC-7): review campaigns, lapse of unreviewed grants, dormant accounts',
  );
reviews
  .command('start')
  .description('Start a review campaign: every active grant goes before its reviewer (the DPO by default)')
  .requiredOption('--as <email>', 'a DPO or administrator account of the organisation')
  .option('--due-by <day>', 'the day reviewers should be done by (YYYY-MM-DD; default in 14 days)')
  .option('--json', 'print as JSON')
  .action(reviewsStart);
reviews
  .command('list')
  .description('Review campaigns of the organisation, newest first, with how many grants were decided')
  .requiredOption('--as <email>', 'a DPO or administrator account of the organisation')
  .option('--json', 'print as JSON')
  .action(reviewsList);
reviews
  .command('lapse')
  .description('Lapse now every grant past its review date, as the scheduled job does (its access ends)')
  .option('--json', 'print the count as JSON')
  .action(reviewsLapse);
reviews
  .command('dormant')
  .description('Disable now every account unused for HAVEN_DORMANT_DAYS, as the scheduled job does')
  .option('--json', 'print the count as JSON')
  .action(reviewsDormant);

const jobs = program.command('jobs').description('Background jobs shared by every server on the database');
jobs
  .command('status')
  .description('Each kind of job with its jobs by state and schedule, and the latest failures')
  .option('--json', 'print as JSON')
  .action(jobsStatus);

const backup = program
  .command('backup')
  .description('Encrypted backups, restore and the restore drill (RES-1; docs/operations.md)');
backup
  .command('keygen')
  .description(
    'Make a backup key: prints the identity (keep it off the server) and the recipient (HAVEN_BACKUP_RECIPIENT)',
  )
  .option('--json', 'print as JSON')
  .action(backupKeygen);
backup
  .command('create')
  .description(
    'Back up the main database and the key vault, each to an encrypted file; expired backups are removed',
  )
  .option('--json', 'print as JSON')
  .action(backupCreate);
backup
  .command('list')
  .description('The backups in HAVEN_BACKUP_DIR, newest first')
  .option('--json', 'print as JSON')
  .action(backupList);
backup
  .command('verify <file>')
  .description('Decrypt a backup and check every part against its manifest; nothing is restored')
  .requiredOption('--identity <file>', 'the backup identity file, or - for standard input')
  .option('--json', 'print the manifest as JSON')
  .action(backupVerify);
backup
  .command('restore [file]')
  .description(
    'Restore into a NEW folder or new empty databases; erasures since are re-applied before it can serve',
  )
  .requiredOption('--identity <file>', 'the backup identity file, or - for standard input')
  .option('--vault <file>', 'the key-vault backup (default: the newest)')
  .option('--into <folder>', 'a new data folder (embedded database)')
  .option('--force-new-folder', 'if --into is in use or not empty, restore beside it into a new folder')
  .option('--into-database-url <url>', 'a new, empty PostgreSQL database for the main database')
  .option('--into-keyvault-url <url>', 'a new, empty PostgreSQL database for the key vault')
  .option(
    '--erasures <file>',
    'erasures to re-apply too: a ledger export (NDJSON) or person ids, one per line',
  )
  .option('--json', 'print as JSON')
  .action(backupRestore);
backup
  .command('drill')
  .description(
    'Restore the newest backup into a scratch place and prove the erased stay erased; exit 0 only if it passes',
  )
  .requiredOption('--identity <file>', 'the backup identity file, or - for standard input')
  .option('--erasures <file>', 'more erasures to check: a ledger export (NDJSON) or person ids')
  .option('--json', 'print the report as JSON')
  .action(backupDrill);

const orgs = program.command('orgs').description('Organisations');
orgs
  .command('create <slug>')
  .description('Create an organisation')
  .option('--name <name>', 'display name')
  .option('--json', 'print the result as JSON')
  .action(createOrg);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
  }
  fail(error);
}
