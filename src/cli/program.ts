import { Command, Option } from 'commander';
import { KEY_TYPES } from '../core/ca/types.js';
import { reportFailure } from './output.js';
import { serveCommand } from './commands/serve.js';
import { initCommand } from './commands/init.js';
import { customerCreateCommand, customerSetCommand } from './commands/customer.js';
import {
  userCreateCommand,
  apiKeyCreateCommand,
  userGrantCommand,
  userRevokeCommand,
} from './commands/user.js';
import { caShowCommand } from './commands/ca.js';
import { importCommand } from './commands/import.js';
import { scanCommand } from './commands/scan.js';
import { trustAddCommand, trustListCommand, trustRemoveCommand } from './commands/trust.js';
import {
  evApproverAddCommand,
  evApproverListCommand,
  evApproverRemoveCommand,
  orgCreateCommand,
  orgListCommand,
  orgSetActiveCommand,
  productListCommand,
} from './commands/enrollment.js';
import { BUSINESS_CATEGORIES } from '../core/enrollment/catalog.js';

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

const processIo: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

const dataOption = () => new Option('--data <dir>', 'data directory (env CERTGRID_DATA_DIR, default ./data)');
const configOption = () => new Option('--config <file>', 'JSON config file (env CERTGRID_CONFIG)');

/** Builds the `certgrid` command. Scripts depend on this shape: extend it, never bend it. */
export function buildProgram(io: Io = processIo): Command {
  const program = new Command('certgrid')
    .description('certgrid: certificate inventory (CertView API) and certificate authority (Grid API)')
    // A usage error is one line naming the problem; --help shows the rest.
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride();

  program
    .command('serve')
    .description(
      'start the HTTP server; initialises the data directory, CA and a first customer on first run',
    )
    .option('--host <host>', 'address to bind (env CERTGRID_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (env CERTGRID_PORT, default 8080)')
    .option(
      '--workers <n>',
      'server processes sharing the port; auto = one per core (env CERTGRID_WORKERS, default 1)',
    )
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => serveCommand(opts, io));

  program
    .command('init')
    .description('create the data directory and the CA hierarchy (root + issuing intermediate)')
    .addOption(dataOption())
    .addOption(configOption())
    .addOption(new Option('--key-type <type>', 'CA key type').choices([...KEY_TYPES]).default('p256'))
    .option('--json', 'print JSON')
    .action((opts) => initCommand(opts, io));

  const customer = program.command('customer').description('manage customers (Grid API accounts)');
  customer
    .command('create')
    .description('create a customer and print its API key once')
    .requiredOption('--name <customer_name>', 'customer name (the Grid customer_name)')
    .option('--json', 'print {"customer_name":…,"api_key":…}')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => customerCreateCommand(opts, io));
  customer
    .command('set')
    .description("change a customer's approval and API access settings and its CertView order licences")
    .requiredOption('--name <customer_name>', 'customer name')
    .addOption(
      new Option('--api-approvals <on|off>', 'allow approving and rejecting through the API').choices([
        'on',
        'off',
      ]),
    )
    .addOption(
      new Option('--self-approval <on|off>', 'allow requesters to approve their own requests').choices([
        'on',
        'off',
      ]),
    )
    .addOption(
      new Option('--certview-api-access <on|off>', "the customer's licence for the CertView API").choices([
        'on',
        'off',
      ]),
    )
    .option(
      '--order-licences <n|unlimited>',
      'CertView enrollment orders the customer may hold open or issued (rejected and cancelled ones do not count)',
    )
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => customerSetCommand(opts, io));

  const user = program.command('user').description('manage users');
  user
    .command('create')
    .description('create a user of a customer')
    .requiredOption('--customer <customer_name>', 'customer the user belongs to')
    .requiredOption('--username <username>', 'login name')
    .requiredOption('--password <password>', 'password (at least 8 characters)')
    .requiredOption('--role <role>', 'Super User | Manager | PKI Admin | Approver | Reader')
    .option('--full-name <name>', 'display name')
    .option('--permissions <list>', 'comma-separated permissions to grant, e.g. CERTVIEW.API.ACCESS')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => userCreateCommand(opts, io));
  user
    .command('grant')
    .description('grant a permission to a user (e.g. CERTVIEW.API.ACCESS)')
    .requiredOption('--username <username>', 'login name')
    .requiredOption('--permission <permission>', 'permission name')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => userGrantCommand(opts, io));
  user
    .command('revoke')
    .description("take a permission back from a user; effective at the user's next API call")
    .requiredOption('--username <username>', 'login name')
    .requiredOption('--permission <permission>', 'permission name')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => userRevokeCommand(opts, io));

  const apikey = program.command('apikey').description('manage API keys');
  apikey
    .command('create')
    .description('create an API key for a user and print it once')
    .requiredOption('--customer <customer_name>', 'customer')
    .requiredOption('--username <username>', 'user the key acts as')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => apiKeyCreateCommand(opts, io));

  const org = program
    .command('org')
    .description("manage a customer's validated organizations (CertView digicertOrganizationId)");
  org
    .command('create')
    .description('add a validated organization and print its id, which enrollment orders name')
    .requiredOption('--customer <customer_name>', 'customer the organization belongs to')
    .requiredOption('--name <name>', 'legal name, the subject O (at most 64 characters)')
    .option('--assumed-name <name>', 'assumed (DBA) name')
    .requiredOption('--country <CC>', 'country, two uppercase letters (ISO 3166-1), e.g. US')
    .option('--state <state>', 'state or province')
    .option('--locality <locality>', 'city or locality')
    .option(
      '--ev',
      'validated for EV: needs --jurisdiction-country, --business-category, --registration-number',
    )
    .option('--jurisdiction-country <CC>', 'EV: country of incorporation or registration')
    .option('--jurisdiction-state <state>', 'EV: state or province of incorporation')
    .option('--jurisdiction-locality <locality>', 'EV: locality of incorporation')
    .addOption(
      new Option('--business-category <category>', 'EV: business category').choices([...BUSINESS_CATEGORIES]),
    )
    .option('--registration-number <number>', 'EV: registration or incorporation number')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => orgCreateCommand(opts, io));
  org
    .command('list')
    .description("list a customer's organizations")
    .requiredOption('--customer <customer_name>', 'customer')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => orgListCommand(opts, io));
  for (const [name, active, what] of [
    ['activate', true, 'let new enrollment orders name an organization again'],
    ['deactivate', false, 'stop new enrollment orders from naming an organization (existing orders keep it)'],
  ] as const) {
    org
      .command(name)
      .description(what)
      .requiredOption('--customer <customer_name>', 'customer')
      .requiredOption('--id <id>', 'organization id')
      .option('--json', 'print JSON')
      .addOption(dataOption())
      .addOption(configOption())
      .action((opts) => orgSetActiveCommand(opts, active, io));
  }

  const evApprover = program
    .command('ev-approver')
    .description("manage who may approve a customer's EV orders (CertView digicertEVApproverUserIds)");
  evApprover
    .command('add')
    .description('add an EV approver and print its id')
    .requiredOption('--customer <customer_name>', 'customer')
    .requiredOption('--first-name <name>', 'first name')
    .requiredOption('--last-name <name>', 'last name')
    .option('--email <address>', 'e-mail address')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => evApproverAddCommand(opts, io));
  evApprover
    .command('list')
    .description("list a customer's EV approvers")
    .requiredOption('--customer <customer_name>', 'customer')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => evApproverListCommand(opts, io));
  evApprover
    .command('remove')
    .description('remove an EV approver (orders that named them keep the id)')
    .requiredOption('--customer <customer_name>', 'customer')
    .requiredOption('--id <id>', 'EV approver id')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => evApproverRemoveCommand(opts, io));

  const product = program
    .command('product')
    .description('the products enrollment orders may name (CertView digicertProductNameId)');
  product
    .command('list')
    .description('list the product catalogue (the same for every customer)')
    .option('--json', 'print JSON')
    .action((opts) => productListCommand(opts, io));

  const ca = program.command('ca').description('certificate authority');
  ca.command('show')
    .description('show the CA hierarchy')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => caShowCommand(opts, io));

  program
    .command('import')
    .description('import certificates (PEM, DER, PKCS#7; directories recursively) into the inventory')
    .argument('<paths...>', 'certificate files or directories')
    .option('--customer <customer_name>', 'customer to import into (default: the only customer, `default`)')
    .option('--asset <name>', 'attach every certificate to this asset')
    .option('--json', 'print a JSON summary')
    .addOption(dataOption())
    .addOption(configOption())
    .action((paths: string[], opts) => importCommand(paths, opts, io));

  program
    .command('scan')
    .description(
      'scan TLS endpoints (names, addresses, CIDR blocks) and record what they serve in the inventory',
    )
    .argument(
      '<targets...>',
      'host, IP, CIDR block, each optionally with :ports (example.com:443,8443 10.0.0.0/24)',
    )
    .option(
      '--ports <list>',
      'ports for targets without their own (443,8443,8000-8010; default: config scan.ports)',
    )
    .option(
      '--assess',
      'assess each endpoint fully (protocols, suites, vulnerabilities, grade), as analyze does',
    )
    .option(
      '--customer <customer_name>',
      'customer whose inventory receives the results (default: the only one)',
    )
    .option('--parallel <n>', 'endpoints in flight at once (default 512, 16 with --assess)')
    .option('--timeout <ms>', 'time allowed for one connection (default: config scan.probeTimeoutMs)')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--json', 'print the results as JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((targets: string[], opts) => scanCommand(targets, opts, io));

  const trust = program
    .command('trust')
    .description("manage the root CAs a customer trusts: scans report chains to them as the 'account' store");
  trust
    .command('add')
    .description(
      'trust root CA certificates (self-signed CAs only); roots already trusted are reported as present',
    )
    .argument('<files...>', 'PEM bundles or DER files')
    .requiredOption('--customer <customer_name>', 'customer')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((files: string[], opts) => trustAddCommand(files, opts, io));
  trust
    .command('list')
    .description("list a customer's trusted roots")
    .requiredOption('--customer <customer_name>', 'customer')
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => trustListCommand(opts, io));
  trust
    .command('remove')
    .description('stop trusting a root from the next assessment on')
    .requiredOption('--customer <customer_name>', 'customer')
    .requiredOption('--certhash <sha256>', "the root's SHA-256 in hex (as 'certgrid trust list' shows it)")
    .option('--json', 'print JSON')
    .addOption(dataOption())
    .addOption(configOption())
    .action((opts) => trustRemoveCommand(opts, io));

  return program;
}

/** Runs the CLI; resolves to the exit status. */
export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      // help and version exit 0; usage errors were already printed by commander, and exit EX_USAGE
      return e.exitCode === 0 ? 0 : 64;
    }
    return reportFailure(err, io.err);
  }
}
