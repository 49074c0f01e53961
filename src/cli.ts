// Entry point: parses the command line, runs one command, maps errors to exit codes.
// Commands are imported lazily so `--version` and `render` never load the UI.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { InstallOptions } from './commands/install.js';
import type { UpgradeOptions } from './commands/upgrade.js';
import type { RollbackOptions } from './commands/rollback.js';
import type { PlanOptions } from './commands/plan.js';
import type { StatusOptions } from './commands/status.js';
import type { UninstallOptions } from './commands/uninstall.js';
import { describeFailure } from './engine/failures.js';
import { ExitCode, UserError } from './errors.js';
import { consoleOutput } from './commands/output.js';
import { INSTALLER_VERSION } from './version.js';

const DEFAULT_DIR = './zenml-pro';

/**
 * A whole-number option, checked when parsed: Number('abc') is NaN, which
 * would silently mean unbounded parallelism or no unschedulable check.
 * Kept as the string the install options take.
 */
function wholeNumber(flag: string, min: number, unit: string, example: number): (value: string) => string {
  return (value) => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
      throw new InvalidArgumentError(`${flag} takes a whole number of ${unit}, ${min} or more, e.g. ${flag} ${example}`);
    }
    return String(Number(value));
  };
}

function program(): Command {
  const cli = new Command('zenml-pro-installer')
    .description('Install and upgrade ZenML Pro (control plane and workspace servers) on your own Kubernetes with Helm.')
    .version(INSTALLER_VERSION, '-v, --version', 'print the installer version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 a step failed, 2 invalid input or usage, 3 blocked by a check, 4 waiting for enrollment values, 130 interrupted.
Start with: zenml-pro-installer render --answers examples/self-hosted.yaml --dir ./zenml-pro`,
    );

  cli
    .command('render')
    .description('validate an answers file and write the Helm values of every release (0600) into <dir>/values/')
    .requiredOption('-a, --answers <file>', 'answers file (YAML); see examples/')
    .option('-d, --dir <dir>', 'install directory: values, generated secrets, journal, logs', DEFAULT_DIR)
    .addHelpText('after', '\nSecrets referenced with fromEnv must be exported; generated ones are kept in <dir>/generated-secrets.yaml.')
    .action(async (opts: { answers: string; dir: string }) => {
      const { renderCommand } = await import('./commands/render.js');
      process.exitCode = await renderCommand(opts, consoleOutput);
    });

  const targetOptions = (cmd: Command): Command =>
    cmd
      .option('--kubeconfig <file>', 'kubeconfig to use (default: cluster.kubeconfig, $KUBECONFIG, ~/.kube/config)')
      .option('--context <name>', 'kube context to install into (default: cluster.context, then the current context)');

  targetOptions(
    cli
      .command('plan')
      .description('print the ordered install steps and the exact helm/kubectl commands (secrets shown as ***); changes nothing')
      .requiredOption('-a, --answers <file>', 'answers file (YAML)')
      .option('-d, --dir <dir>', 'install directory', DEFAULT_DIR)
      .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text')),
  ).action(async (opts: PlanOptions) => {
    const { planCommand } = await import('./commands/plan.js');
    process.exitCode = await planCommand(opts, consoleOutput);
  });

  const install = (cmd: Command): Command =>
    targetOptions(cmd)
      .option('-a, --answers <file>', 'answers file (YAML); without one, or with gaps, a wizard asks on the terminal')
      .option('-d, --dir <dir>', 'install directory: answers copy, values, journal, generated secrets, logs', DEFAULT_DIR)
      .option('-y, --yes', 'do not ask before changing the cluster (for CI)')
      .addOption(new Option('-o, --output <format>', 'text lines, or NDJSON events').choices(['text', 'json']).default('text'))
      .option('--helm <path>', 'helm binary (default: helm on PATH)')
      .option('--kubectl <path>', 'kubectl binary (default: kubectl on PATH)')
      .option('--parallel <n>', 'workspaces installed at the same time', wholeNumber('--parallel', 1, 'workspaces', 2), '2')
      .option('--unschedulable-grace <seconds>', 'how long a pod may stay unschedulable before the install stops', wholeNumber('--unschedulable-grace', 0, 'seconds', 120), '60')
      .option('--resolve <host=address:port...>', 'reach a host at another address for the health checks (like curl --resolve)')
      .option('--ca-file <file>', 'extra CA certificate the health checks and the control-plane API calls trust')
      .option('--re-enroll <workspace...>', 'delete these workspaces on the control plane and enroll them anew (only when their enrollment key is lost)')
      .addHelpText('after', '\nRun it again after any failure or interruption: verified steps are skipped, the rest is redone.')
      .action(async (opts: Omit<InstallOptions, 'answers'> & { answers?: string }) => {
        process.exitCode = await installWithWizard(opts);
      });

  install(cli.command('install').description('install or resume (the default command): render the values, then run each step with helm and kubectl'));

  targetOptions(cli.command('upgrade'))
    .description('upgrade to the versions the answers name: control plane first, then each workspace, checked, shown as a values diff, backed up, rolled back by helm on failure; resumable')
    .requiredOption('-a, --answers <file>', 'answers file with the new versions (and charts)')
    .option('-d, --dir <dir>', 'install directory (an existing one, or a new one for a deployment installed without this installer)', DEFAULT_DIR)
    .option('-y, --yes', 'do not ask before changing the cluster (for CI)')
    .option('--backup-confirmed', 'the databases are backed up (required without a terminal: each upgrade migrates its database)')
    .option('--dump-databases', 'dump each database the upgrade migrates from this machine first (mariadb-dump/mysqldump or pg_dump, into the backup folder); stands for --backup-confirmed')
    .option('--accept-unverified-versions', 'go on with version pairs the compatibility table cannot vouch for')
    .option('--control-plane-version <version>', 'upgrade the control plane to this chart version (its chart beside the answers\' one, or in --bundle), instead of the answers\' version')
    .option('--workspace-version <version>', 'upgrade every workspace to this chart version, likewise')
    .option('--bundle <dir>', 'an offline bundle: the newest zenml-pro and zenml charts in it (or its charts/ folder) are the targets unless a version flag picks another; its upgrade-data.yaml is used')
    .option('--rehearse', 'first copy what runs into the in-process simulated cluster and upgrade it there with the same answers, charts, helm and kubectl; the real upgrade is offered only if that passes (report in <dir>/rehearsals/)')
    .addOption(new Option('--rehearsal', 'set by --rehearse for its run against the simulation').hideHelp())
    .option('--upgrade-data <file>', 'YAML with compatibility pairs and required stops newer than the installer knows (from ZenML\'s release notes or an offline bundle); adds to the built-in ones')
    .addOption(new Option('-o, --output <format>', 'text lines, or NDJSON events').choices(['text', 'json']).default('text'))
    .option('--helm <path>', 'helm binary (default: helm on PATH)')
    .option('--kubectl <path>', 'kubectl binary (default: kubectl on PATH)')
    .option('--resolve <host=address:port...>', 'reach a host at another address for the health checks (like curl --resolve)')
    .option('--ca-file <file>', 'extra CA certificate the health checks and the control-plane API calls trust')
    .addHelpText('after', '\nA target past a required stop is reached through it: each stop is a full upgrade (its chart beside the target\'s, <chart>-<version>.tgz), ready and healthy before the next.\nExample: zenml-pro-installer upgrade --answers my-answers.yaml --dir ./zenml-pro\nRun it again after any failure or interruption: it goes on from where it stopped.')
    .action(async (opts: UpgradeOptions) => {
      const { upgradeCommand } = await import('./commands/upgrade.js');
      process.exitCode = await upgradeCommand(opts, consoleOutput);
    });

  cli
    .command('rollback')
    .description('put a release back to an earlier helm revision, after showing the values diff and the database migration a chart rollback does not undo')
    .argument('[component]', 'control-plane or a workspace name (without it: each component with its current and previous revision)')
    .option('--revision <n>', 'the revision to go back to (default: the newest earlier revision that deployed)')
    .option('-d, --dir <dir>', 'install directory: its answers copy names the releases, its journal the cluster, its backups what ran before each upgrade', DEFAULT_DIR)
    .option('-a, --answers <file>', 'answers file naming the releases (instead of the install directory\'s copy)')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: cluster.kubeconfig, $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kube context (default: the install\'s, cluster.context, then the current context)')
    .option('-y, --yes', 'do not ask before changing the cluster (for CI)')
    .option('--helm <path>', 'helm binary (default: helm on PATH)')
    .option('--kubectl <path>', 'kubectl binary (default: kubectl on PATH)')
    .addHelpText('after', '\nExample: zenml-pro-installer rollback ml --dir ./zenml-pro\nA chart rollback does not undo a database migration: restore the database from its backup if the newer version migrated it.')
    .action(async (component: string | undefined, opts: Omit<RollbackOptions, 'component'>) => {
      const { rollbackCommand } = await import('./commands/rollback.js');
      process.exitCode = await rollbackCommand({ ...opts, ...(component === undefined ? {} : { component }) }, consoleOutput);
    });

  cli
    .command('status')
    .description('show each release (helm status, chart and app versions), its readiness and health, and workspace enrollment; changes nothing')
    .option('-d, --dir <dir>', 'install directory: its answers copy and journal name the releases (without --dir or --answers: every release of the zenml-pro and zenml charts in the cluster)')
    .option('-a, --answers <file>', 'answers file naming the releases (instead of the install directory\'s copy)')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: cluster.kubeconfig, $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kube context to read (default: the install\'s, cluster.context, then the current context)')
    .addOption(new Option('-o, --output <format>', 'a table, or JSON').choices(['text', 'json']).default('text'))
    .option('--resolve <host=address:port...>', 'reach a host at another address for the health checks (like curl --resolve)')
    .option('--ca-file <file>', 'extra CA certificate the health checks trust')
    .addHelpText(
      'after',
      `
Exit codes: 0 every component is healthy, 1 something is not (a release missing or not deployed, a deployment not ready, /health failing) or no release was found, 2 invalid input, 3 the cluster cannot be reached or read.
Example: zenml-pro-installer status --dir ./zenml-pro --output json`,
    )
    .action(async (opts: StatusOptions) => {
      const { statusCommand } = await import('./commands/status.js');
      process.exitCode = await statusCommand(opts, consoleOutput);
    });

  cli
    .command('adopt')
    .description('write an answers file (0600, secrets in ./secrets beside it) describing a deployment installed without this installer, read from its helm releases; changes nothing')
    .requiredOption('--out <file>', 'answers file to write')
    .option('--namespace <name...>', 'read only these namespaces (repeatable; needed when Secrets may not be listed in all namespaces)')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kube context to read (default: the current context)')
    .option('--force', 'overwrite an existing answers file and its secret files')
    .addHelpText(
      'after',
      `
It reads each release of the charts zenml-pro and zenml (helm's records, through the Kubernetes API) and maps what the answers model; values they do not model are listed and kept by upgrade as set by hand. No secret is printed.
Exit codes: 0 the answers are complete, 2 fields to fill in (listed, and in the file's header; the file is written), 3 the cluster cannot be read or holds no release.
Example: zenml-pro-installer adopt --out ./adopted/answers.yaml --context prod
         zenml-pro-installer upgrade --answers ./adopted/answers.yaml --bundle ./offline-bundle   (helm's records do not say where a chart came from: the adopted answers name ZenML's public charts; --bundle or charts.* points at yours)`,
    )
    .action(async (opts: { out: string; namespace?: string[]; kubeconfig?: string; context?: string; force?: boolean }) => {
      const { adoptCommand } = await import('./commands/adopt.js');
      const { namespace, ...rest } = opts;
      process.exitCode = await adoptCommand({ ...rest, ...(namespace ? { namespaces: namespace } : {}) }, consoleOutput);
    });

  cli
    .command('uninstall')
    .description('remove what an install made (its releases, the objects the installer applied, the namespaces it created), after listing it; keeps databases, the install directory and generated secrets')
    .option('-d, --dir <dir>', 'install directory: its answers copy and journal say what the install made', DEFAULT_DIR)
    .option('-a, --answers <file>', 'answers file naming the releases (instead of the install directory\'s copy)')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: cluster.kubeconfig, $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kube context (default: the install\'s, cluster.context, then the current context)')
    .option('-y, --yes', 'do not ask before changing the cluster (for CI)')
    .addOption(new Option('-o, --output <format>', 'text lines, or JSON lines (the list, the events, the summary)').choices(['text', 'json']).default('text'))
    .option('--helm <path>', 'helm binary (default: helm on PATH)')
    .option('--kubectl <path>', 'kubectl binary (default: kubectl on PATH)')
    .option('--delete-install-dir', 'also remove the install directory, generated-secrets.yaml with it (the encryption keys the kept databases need)')
    .addHelpText(
      'after',
      `
Run it again after any failure or interruption: what is already gone is skipped.
Exit codes: 0 removed (or nothing to remove), 1 a step failed, 2 invalid input or not confirmed, 3 blocked by a check (cluster unreachable or another one, locked install directory), 130 interrupted.
Example: zenml-pro-installer uninstall --dir ./zenml-pro --yes`,
    )
    .action(async (opts: UninstallOptions) => {
      const { uninstallCommand } = await import('./commands/uninstall.js');
      process.exitCode = await uninstallCommand(opts, consoleOutput);
    });

  cli
    .command('demo')
    .description('install ZenML Pro into a simulated cluster with stand-in charts: a rehearsal that needs no cluster')
    .option('-a, --answers <file>', 'answers to install (default: examples/sim.yaml)')
    .action(async (opts: { answers?: string }) => {
      const { demoCommand } = await import('./commands/demo.js');
      process.exitCode = await demoCommand(opts, consoleOutput);
    });

  cli
    .command('sim')
    .description('run the simulated Kubernetes cluster and control plane in the foreground (for demos and rehearsals); Ctrl+C stops it')
    .requiredOption('--out <dir>', 'where to write kubeconfig, sim.json and ca.crt')
    .action(async (opts: { out: string }) => {
      const { simCommand } = await import('./commands/sim.js');
      process.exitCode = await simCommand(opts, consoleOutput);
    });

  cli
    .command('schema')
    .description('print the JSON Schema of answers files (for editor completion)')
    .action(async () => {
      const { schemaCommand } = await import('./commands/schema.js');
      process.exitCode = schemaCommand(consoleOutput);
    });

  return cli;
}

/** `install`, with the wizard first when the answers are missing or incomplete and a terminal is there to ask. */
async function installWithWizard(opts: Omit<InstallOptions, 'answers'> & { answers?: string }): Promise<number> {
  const { installCommand } = await import('./commands/install.js');
  let answers = opts.answers;
  if (answers !== undefined) {
    const { loadAnswersFile } = await import('./commands/answers-file.js');
    let loaded;
    try {
      loaded = loadAnswersFile(answers);
    } catch (error) {
      // Without a terminal the problems are the answer (exit 2); with one, the wizard asks for them.
      if (!(error instanceof UserError) || !process.stdin.isTTY || !process.stdout.isTTY || opts.output === 'json') throw error;
      consoleOutput.warn(`${answers} is incomplete; the wizard asks for what is missing`);
      answers = undefined;
      return finishWizard(await (await import('./commands/interactive.js')).runInteractive({ answers: opts.answers, dir: opts.dir, kubeconfig: opts.kubeconfig }), opts, installCommand);
    }
    return installCommand({ ...opts, answers }, consoleOutput, loaded);
  }
  const { runInteractive } = await import('./commands/interactive.js');
  return finishWizard(await runInteractive({ dir: opts.dir, kubeconfig: opts.kubeconfig }), opts, installCommand);
}

async function finishWizard(
  outcome: { action: 'install' | 'save' | 'cancel'; answersFile?: string },
  opts: Omit<InstallOptions, 'answers'>,
  installCommand: (o: InstallOptions, out: typeof consoleOutput) => Promise<number>,
): Promise<number> {
  if (outcome.answersFile) consoleOutput.info(`answers saved to ${outcome.answersFile} (secrets as references; typed ones in ${opts.dir}/secrets, 0600)`);
  if (outcome.action === 'cancel') return ExitCode.interrupted;
  if (outcome.action === 'save' || !outcome.answersFile) return ExitCode.ok;
  // The wizard named the target and got an explicit y; asking again would only train a reflex.
  // A --context given on the command line was not what it showed, so that case still asks.
  return installCommand({ ...opts, answers: outcome.answersFile, ...(opts.context ? {} : { yes: true }) }, consoleOutput);
}

function fail(error: unknown): void {
  if (error instanceof CommanderError) {
    // commander has printed the problem and the usage already.
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
    return;
  }
  const f = describeFailure(error);
  consoleOutput.error(f.family === 'bug' ? `unexpected failure: ${f.message}` : f.message);
  if (f.command) process.stderr.write(`  ran: ${f.command.commandLine} (exit ${f.command.exitCode ?? '?'})\n${f.command.outputTail.replace(/^/gm, '    ')}\n`);
  const hints = f.family === 'bug' ? ['this is a bug in zenml-pro-installer; please report it with the command you ran'] : f.hints;
  for (const hint of hints) process.stderr.write(`  → ${hint}\n`);
  process.exitCode = f.exitCode;
}

// A reader that goes away (`... | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/**
 * `install` is the default: it is put in front when the first word is an option
 * (or there is none). Not commander's isDefault, which hands any unknown word
 * to install as an argument ("too many arguments for 'install'") instead of
 * reporting an unknown command with its nearest match.
 */
function withDefaultCommand(argv: readonly string[]): string[] {
  const [first] = argv.slice(2);
  const toProgram = first !== undefined && (!first.startsWith('-') || ['-h', '--help', '-v', '--version'].includes(first));
  return toProgram ? [...argv] : [...argv.slice(0, 2), 'install', ...argv.slice(2)];
}

const cli = program();
cli.exitOverride();
for (const sub of cli.commands) sub.exitOverride();
void cli.parseAsync(withDefaultCommand(process.argv)).catch(fail);
