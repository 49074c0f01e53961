// `adopt`: an answers file for a deployment installed without this installer
// (plain `helm install` from the vendor guide), read from its helm release
// records through the Kubernetes API (nothing is changed). The answers are
// written 0600 with the secrets the releases hold in ./secrets beside them
// (0700 folder, 0600 files), so `upgrade --answers <file>` works with them.
// Exit 0 when they are complete; 2 with the fields to fill in (the file is
// written all the same, for the operator to edit).
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../engine/atomic-write.js';
import { ExitCode, UserError } from '../errors.js';
import { adoptAnswers, secretFile, type Adopted, type AdoptRelease } from '../plan/adopt.js';
import type { Target } from '../tools/argv.js';
import { KubeApiError } from '../tools/kube-api.js';
import { Redactor } from '../tools/redact.js';
import { INSTALLER_VERSION } from '../version.js';
import { adoptableReleases } from './adopt-releases.js';
import { checkAnswersText } from './answers-file.js';
import { openClusterReads } from './cluster-reads.js';
import type { Output } from './output.js';
import { readKubeconfig } from './target.js';

export interface AdoptOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** The answers file to write. */
  readonly out: string;
  /** Read only these namespaces (when Secrets may not be listed cluster-wide). */
  readonly namespaces?: readonly string[];
  /** Overwrite an existing answers file and its secret files. */
  readonly force?: boolean;
}


function targetOf(options: AdoptOptions): Target {
  const config = readKubeconfig(options.kubeconfig);
  const context = options.context ?? config.current;
  if (!context) {
    throw new UserError('no kube context to read', [
      config.contexts.length > 0 ? `pass --context NAME; contexts in your kubeconfig: ${config.contexts.join(', ')}` : 'no kubeconfig was found; pass --kubeconfig PATH',
    ]);
  }
  if (config.files.length > 0 && !config.contexts.includes(context)) {
    throw new UserError(`context "${context}" is not in the kubeconfig (${config.files.join(', ')})`, [
      config.contexts.length > 0 ? `available contexts: ${config.contexts.join(', ')}` : 'the kubeconfig has no contexts',
    ]);
  }
  return { context, ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}) };
}

/** Every file adopt would write that exists already (nothing is overwritten without --force). */
function existing(file: string, secrets: readonly string[]): string[] {
  return [file, ...secrets].filter((f) => existsSync(f));
}

const shown = (r: AdoptRelease): string => `${r.namespace}/${r.release} (${r.chart} ${r.chartVersion})`;

function header(context: string, releases: readonly AdoptRelease[], adopted: Adopted): string {
  const lines = [
    `Answers adopted by zenml-pro-installer ${INSTALLER_VERSION} from what runs in context "${context}":`,
    `the helm release records of ${releases.map(shown).join(', ')},`,
    'a deployment installed without this installer. Secrets are files in ./secrets (0600), referenced with fromFile.',
  ];
  const section = (title: string, items: readonly string[]): string[] => (items.length === 0 ? [] : ['', title, ...items.map((i) => `  - ${i}`)]);
  lines.push(
    ...section('Kept as set on the releases, not modelled by these answers (an upgrade keeps them):', adopted.unmapped),
    ...section('Notes:', adopted.notes),
    ...section('To fill in before an upgrade:', adopted.problems),
  );
  return `${lines.map((l) => (l ? `# ${l}` : '#')).join('\n')}\n`;
}

/** The answers' fields in the order a reader expects, with the kubeconfig pinned next to the context when one was given. */
function withKubeconfig(answers: Record<string, unknown>, kubeconfig: string | undefined): Record<string, unknown> {
  if (!kubeconfig) return answers;
  const { context, ...cluster } = answers.cluster as Record<string, unknown>;
  return { ...answers, cluster: { context, kubeconfig: resolve(kubeconfig), ...cluster } };
}

async function readReleases(target: Target, options: AdoptOptions, scrub: (t: string) => string, say: (line: string) => void): Promise<AdoptRelease[]> {
  const { api, inventory } = openClusterReads(target, scrub);
  try {
    return await adoptableReleases({ inventory, api }, target.context, options.namespaces ?? [], say);
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    throw new UserError(`cannot read the cluster of context "${target.context}" (${api.server}): ${error.message}`, [
      `check the context, your network or VPN, and your credentials (kubectl --context ${target.context} get ns)`,
    ], ExitCode.blockedByCheck);
  } finally {
    api.close();
    inventory.close();
  }
}

export async function adoptCommand(options: AdoptOptions, out: Output): Promise<number> {
  const file = resolve(options.out);
  const folder = dirname(file);
  if (!options.force && existsSync(file)) {
    throw new UserError(`${file} exists already; adopt does not overwrite it`, ['give another --out file, or pass --force to replace it (and its ./secrets files)']);
  }
  const target = targetOf(options);
  const redactor = new Redactor();
  const say = (line: string): void => out.info(redactor.scrub(line));

  const releases = await readReleases(target, options, (t) => redactor.scrub(t), say);
  if (releases.length === 0) {
    const where = options.namespaces?.length ? `namespaces ${options.namespaces.join(', ')}` : 'any namespace';
    throw new UserError(`no deployed release of the charts zenml-pro or zenml was found in ${where} of context "${target.context}"`, [
      'check --context (and --namespace): adopt reads helm\'s release records, which live in the namespace of each release',
    ], ExitCode.blockedByCheck);
  }
  const adopted = adoptAnswers(releases, { context: target.context });
  for (const s of adopted.secrets) redactor.add(s.value, s.slot);

  const secretPaths = adopted.secrets.map((s) => join(folder, secretFile(s.slot)));
  const present = options.force ? [] : existing(file, secretPaths);
  if (present.length > 0) {
    throw new UserError(`adopt would overwrite ${present.join(', ')}`, ['give --out a file in another folder, or pass --force to replace them']);
  }
  mkdirSync(folder, { recursive: true });
  if (adopted.secrets.length > 0) {
    mkdirSync(join(folder, 'secrets'), { recursive: true, mode: 0o700 });
    chmodSync(join(folder, 'secrets'), 0o700);
  }
  // One newline more: reading a fromFile secret drops one, so the value comes back byte for byte.
  for (const [i, s] of adopted.secrets.entries()) await writeFileAtomic(secretPaths[i] ?? '', `${s.value}\n`, { mode: 0o600 });
  const text = redactor.scrub(header(target.context, releases, adopted)) + stringify(withKubeconfig(adopted.answers, options.kubeconfig), { lineWidth: 0 });
  await writeFileAtomic(file, text, { mode: 0o600 });

  say(`Adopted from context "${target.context}": ${releases.map(shown).join(', ')}.`);
  say(`Wrote ${file} (0600)${adopted.secrets.length > 0 ? ` and ${adopted.secrets.length} secret file${adopted.secrets.length === 1 ? '' : 's'} in ${join(folder, 'secrets')} (0600)` : ''}.`);
  if (adopted.unmapped.length > 0) {
    say('Kept as set on the releases, not modelled by the answers (an upgrade keeps them):');
    for (const u of adopted.unmapped) say(`  ${u}`);
  }
  for (const note of adopted.notes) say(`note: ${note}`);

  // The file as upgrade will read it: schema, rules and every file it names (a secret still to write is one).
  const checked = checkAnswersText(text, file);
  const fields = [...adopted.problems];
  if (!checked.ok) {
    for (const p of checked.problems) {
      if (!adopted.problems.some((q) => q.startsWith(`${p.path}:`) || p.path.startsWith(q.slice(0, q.indexOf(':'))))) fields.push(`${p.path}: ${p.message}`);
    }
  }
  if (fields.length > 0) {
    say(`To fill in (in ${file}) before an upgrade:`);
    for (const f of fields) say(`  ${f}`);
    out.error(`the adopted answers are not complete yet: ${fields.length} field${fields.length === 1 ? '' : 's'} to fill in (listed above); then check them with \`zenml-pro-installer plan --answers ${options.out}\``);
    return ExitCode.invalidInput;
  }
  say(`Next: zenml-pro-installer upgrade --answers ${options.out} --control-plane-version <version> --workspace-version <version> (or --bundle DIR)`);
  return ExitCode.ok;
}
