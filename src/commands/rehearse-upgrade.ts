// `upgrade --rehearse`: before the real upgrade is offered, what runs today is
// copied into the in-process simulation (each release's helm record and its
// objects, as helm created them) and the same upgrade (same answers, charts,
// helm and kubectl) runs there end to end. The real cluster is only read.
// What the rehearsal proves and what it cannot is said in its report.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../engine/atomic-write.js';
import type { EngineEvent } from '../engine/events.js';
import { GENERATED_SECRETS_FILE } from '../engine/generated-secrets.js';
import type { RunOutcome } from '../engine/states.js';
import { startSimulation } from '../sim/simulation.js';
import { Cluster, type HelmReleaseRecord } from '../tools/cluster.js';
import type { Redactor } from '../tools/redact.js';
import { fileTimestamp } from '../engine/debug-log.js';

export interface RehearsedRelease {
  readonly release: string;
  readonly namespace: string;
  readonly record: HelmReleaseRecord;
}

export interface RehearsalInputs {
  /** What runs on the real cluster, read before. */
  readonly releases: readonly RehearsedRelease[];
  /** The hosts the answers serve: the simulation's certificate holds them, so the health checks verify TLS as for real. */
  readonly hostnames: readonly string[];
  readonly answers: string;
  /** The install directory: its kept secrets go along (as they are); the report is written into it. */
  readonly dir: string;
  readonly helm: string;
  readonly kubectl: string;
  /** The flags that chose the targets and the release data, passed on as given. */
  readonly targetArgs: readonly string[];
  /** Scrubs what the rehearsal prints and writes. */
  readonly redactor: Redactor;
  /** A line of progress, as it happens. */
  readonly say: (line: string) => void;
}

export interface RehearsalResult {
  readonly outcome: RunOutcome;
  /** The report (0600): what ran, how long, what failed, and what a rehearsal cannot tell. */
  readonly report: string;
  readonly failure?: { readonly title: string; readonly message: string; readonly output?: string };
}

/** Shorter than the simulation's defaults: a rehearsal is about what helm and the charts do, not how long pods take. */
const REHEARSAL_TIMINGS = { scheduleMs: 5, startMs: 20, readyMs: 100, jobRunMs: 100, settleMs: 20 };

const CANNOT_TELL = [
  'whether the database migrations succeed on your data (the simulation runs the migration job, not ZenML)',
  'whether the images pull from your registry, and how long pods take to start on your nodes',
  'anything about your network, DNS, load balancer or certificates beyond the names they serve',
  'anything about a control plane that runs outside this cluster (hybrid, workspace-only): a rehearsal does not call it',
];

/** The YAML stream that recreates one release as helm left it: its namespace, its record, its objects. */
function restoreStream(r: RehearsedRelease, namespaceNeeded: boolean): string {
  const secret = { apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1', metadata: { name: r.record.stored.name, namespace: r.namespace, labels: r.record.stored.labels }, data: r.record.stored.data };
  // helm renders objects without a namespace and creates them in the release's (kubectl --namespace does the same).
  const objects = r.record.manifest.split(/^---\s*$/m).filter((doc) => /^kind:/m.test(doc));
  return [...(namespaceNeeded ? [stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: r.namespace } })] : []), stringify(secret), ...objects].join('\n---\n');
}

/** Runs the installer's own CLI (this process's entry) against the simulation, collecting its NDJSON events. */
function runUpgradeThere(args: readonly string[], env: NodeJS.ProcessEnv, onEvent: (e: EngineEvent) => void): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // This process's own entry and Node flags: the same installer, however it was started.
    const entry = process.argv[1] ?? '';
    const child = spawn(process.execPath, [...process.execArgv, entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('error', (error) => resolve({ code: null, stderr: `cannot start the installer for the rehearsal: ${error.message}` }));
    let buffered = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          onEvent(JSON.parse(line) as EngineEvent);
        } catch {
          // Not an event: the run's NDJSON holds only events, anything else is noise.
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

export async function rehearseUpgrade(o: RehearsalInputs): Promise<RehearsalResult> {
  const work = mkdtempSync(join(tmpdir(), 'zenml-pro-rehearsal-'));
  const started = new Date();
  const folder = join(o.dir, 'rehearsals');
  const reportBase = join(folder, `rehearsal-${fileTimestamp(started)}`);
  const steps: string[] = [];
  let outcome = 'failed' as RunOutcome;
  let failure: RehearsalResult['failure'];
  try {
    o.say('Rehearsal: starting the simulated cluster (in this process) and copying what runs into it...');
    const sim = await startSimulation({ out: join(work, 'sim'), hostnames: o.hostnames, timings: REHEARSAL_TIMINGS });
    try {
      const cluster = new Cluster({ context: sim.info.context, kubeconfig: sim.info.kubeconfig }, { helm: o.helm, kubectl: o.kubectl }, o.redactor);
      try {
        const namespaces = new Set<string>();
        for (const r of o.releases) {
          await cluster.createAsHelm(r.namespace, restoreStream(r, !namespaces.has(r.namespace)), {});
          namespaces.add(r.namespace);
          steps.push(`- copied ${r.namespace}/${r.release} revision ${r.record.revision} (chart ${r.record.chartVersion ?? '?'}) from the cluster`);
        }
      } finally {
        cluster.close();
      }
      const dir = join(work, 'install');
      mkdirSync(dir, { mode: 0o700 });
      // The kept secrets go along as they are: the rehearsal must carry the same keys forward.
      if (existsSync(join(o.dir, GENERATED_SECRETS_FILE))) copyFileSync(join(o.dir, GENERATED_SECRETS_FILE), join(dir, GENERATED_SECRETS_FILE));
      const home = join(work, 'home');
      // helm's caches stay apart; its registry logins and repositories are the operator's (private charts).
      const helmConfig = process.env.HELM_CONFIG_HOME ?? join(process.env.HOME ?? '', '.config', 'helm');
      const env = {
        ...process.env, HOME: home, KUBECACHEDIR: join(home, 'kube-cache'), HELM_CACHE_HOME: join(home, 'helm-cache'), HELM_CONFIG_HOME: join(home, 'helm-config'), HELM_DATA_HOME: join(home, 'helm-data'),
        HELM_REGISTRY_CONFIG: process.env.HELM_REGISTRY_CONFIG ?? join(helmConfig, 'registry', 'config.json'),
        HELM_REPOSITORY_CONFIG: process.env.HELM_REPOSITORY_CONFIG ?? join(helmConfig, 'repositories.yaml'),
      };
      const args = [
        'upgrade', '--answers', o.answers, '--kubeconfig', sim.info.kubeconfig, '--context', sim.info.context, '--dir', dir,
        '--helm', o.helm, '--kubectl', o.kubectl, '--ca-file', sim.info.caFile, '--output', 'json',
        // Nothing real changes here: the questions the real upgrade asks are answered for the rehearsal only.
        '--yes', '--backup-confirmed', '--accept-unverified-versions', '--rehearsal',
        ...o.targetArgs,
      ];
      const child = await runUpgradeThere(args, env, (e) => {
        if (e.type === 'step-done') {
          const line = `✓ ${e.title} (${(e.durationMs / 1000).toFixed(1)} s)`;
          steps.push(`- ${line}`);
          o.say(`  rehearsal ${line}`);
        } else if (e.type === 'step-failed') {
          // The run's own next steps speak of its throwaway directory: the rehearsal gives its own.
          failure = { title: e.title, message: e.message, ...(e.command ? { output: o.redactor.scrub(e.command.outputTail) } : {}) };
          steps.push(`- ✗ ${e.title}: ${e.message}`);
          o.say(`  rehearsal ✗ ${e.title}: ${e.message}`);
        } else if (e.type === 'run-finished') {
          outcome = e.outcome;
        }
      });
      if (child.code !== 0 && !failure) {
        // Refused before any step (answers, charts, checks): its own message says why.
        failure = { title: 'the upgrade in the simulation', message: o.redactor.scrub(child.stderr.trim().split('\n').slice(-8).join('\n')) };
        outcome = 'failed';
      }
      // The run's debug log (scrubbed by that run) is kept beside the report.
      const [log] = existsSync(join(dir, 'logs')) ? readdirSync(join(dir, 'logs')) : [];
      if (log) {
        mkdirSync(folder, { recursive: true, mode: 0o700 });
        copyFileSync(join(dir, 'logs', log), `${reportBase}.log`);
        steps.push(`- the upgrade's debug log in the simulation: ${reportBase}.log`);
      }
    } finally {
      await sim.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const report = `${reportBase}.md`;
  const ok = outcome === 'done' || outcome === 'up-to-date';
  const text = [
    `# Upgrade rehearsal: ${ok ? 'passed' : 'FAILED'}`,
    '',
    `Started ${started.toISOString()}; ${((Date.now() - started.getTime()) / 1000).toFixed(1)} s. The releases that run today were copied into the installer's simulated cluster and upgraded there with the same answers, charts, helm and kubectl. The real cluster was only read.`,
    '',
    '## What ran',
    ...steps,
    ...(failure ? ['', '## What failed', `${failure.title}: ${failure.message}`, ...(failure.output ? ['', '```', failure.output, '```'] : [])] : []),
    '',
    '## What a rehearsal cannot tell',
    ...CANNOT_TELL.map((c) => `- ${c}`),
    '',
  ].join('\n');
  await writeFileAtomic(report, o.redactor.scrub(text), { mode: 0o600 });
  return { outcome, report, ...(failure ? { failure } : {}) };
}
