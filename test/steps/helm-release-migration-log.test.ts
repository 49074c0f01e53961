// The helm-release step with the real helm against the simulated cluster: the
// migration hook's log lines arrive as the step's output lines ("migration:
// …"), in order and scrubbed, while helm waits and before the step ends; a
// failed migration is still diagnosed with its log tail; a log that cannot be
// read is one notice, not a failure; nothing is left open on the server.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { Interrupted, StepFailure, type StepContext } from '../../src/engine/step-kind.js';
import type { ActionOf, ReleaseSpec, Step } from '../../src/plan/steps.js';
import { helmRelease } from '../../src/steps/helm-release.js';
import { Cluster } from '../../src/tools/cluster.js';
import { Redactor } from '../../src/tools/redact.js';
import { REPO_ROOT, setupKubeSim, TOOLS_BIN } from '../helpers/kube-sim.js';
import { settles } from '../helpers/sim-pods.js';

// Long enough a migration that the watch sees its pod running, as it would a real one.
const kube = setupKubeSim({ timings: { jobRunMs: 600 } });
const PASSWORD = 'db-pw-migration-0123456789';
const DB_URL = `mysql://zenml:${PASSWORD}@mysql.example.com:3306/zenml`;
const SCRIPT = [`Migrating the database at ${DB_URL}`, 'INFO  [alembic.runtime.migration] Running upgrade 0.92.0 -> 0.93.0', 'The database is at 0.93.0'];

const CHART = `apiVersion: apps/v1
kind: Deployment
metadata: {name: {{ .Release.Name }}}
spec:
  replicas: 1
  selector: {matchLabels: {app: {{ .Release.Name }}}}
  template:
    metadata: {labels: {app: {{ .Release.Name }}}}
    spec: {containers: [{name: server, image: zenml-server:0.93.0}]}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-db-migration
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        sim.zenml.io/log-lines: {{ join "\\n" .Values.migrationLog | quote }}
    spec:
      restartPolicy: Never
      containers: [{name: zenml-db-migration, image: zenml-server:0.93.0, args: [migrate-database]}]
`;

let releases = 0;
const clusters: Cluster[] = [];

afterEach(async () => {
  for (const c of clusters.splice(0)) c.close();
  kube.sim.faults.clear();
  // Helm returned, the step ended: its watch and its log follows are closed on the server too.
  expect(await settles(() => kube.sim.openLogStreams, 0)).toBe(0);
  expect(await settles(() => kube.sim.openWatches, 0)).toBe(0);
});

interface Setup {
  readonly spec: ReleaseSpec;
  readonly ctx: StepContext;
  readonly events: EngineEvent[];
  /** Cancels the run (Ctrl+C). */
  readonly run: AbortController;
}

/** A release of `chart` with `values`, in a namespace of its own, and a step context that records events as the runner makes them. */
function setup(chart: string, values: Record<string, unknown>, release: string, again?: { namespace: string; prior: string }): Setup {
  const namespace = again?.namespace ?? `mig-${++releases}`;
  if (!again) kube.sim.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const valuesFile = join(kube.dir, `${release}-values.json`);
  writeFileSync(valuesFile, JSON.stringify(values), { mode: 0o600 });
  const redactor = new Redactor();
  redactor.add(PASSWORD, 'database password');
  const target = { context: 'zenml-sim', kubeconfig: kube.kubeconfigPath };
  const cluster = new Cluster(target, { helm: join(TOOLS_BIN, 'helm'), kubectl: join(TOOLS_BIN, 'kubectl'), env: kube.env() }, redactor);
  clusters.push(cluster);
  const spec: ReleaseSpec = {
    id: `workspace-${release}`, release, namespace, chart, version: '0.1.0', localChart: true, valuesFile, timeoutSeconds: 60,
    valuesDigest: '', deployments: [release], migrationJob: `${release}-db-migration`,
  };
  const action: ActionOf<'helm-release'> = { type: 'helm-release', spec };
  const step: Step = { id: `release:${release}`, title: release, needs: [], mutates: true, commands: [], inputsDigest: '', action };
  const events: EngineEvent[] = [];
  const emit = (e: EngineEvent): void => {
    events.push(e);
  };
  const at = (): string => new Date().toISOString();
  const run = new AbortController();
  const ctx: StepContext = {
    cluster,
    identity: { server: kube.sim.url, uid: undefined, gitVersion: 'v1.34.2', minor: 34 },
    settings: { failFast: { unschedulableSeconds: 60 }, watchIntervalMs: 50, readyTimeoutMs: 20_000 },
    emit,
    signal: run.signal,
    digest: (d) => d,
    secret: () => {
      throw new Error('no secret is asked for here');
    },
    readFile: (p) => readFileSync(p, 'utf8'),
    outputsOf: () => undefined,
    kept: { get: () => undefined, put: () => Promise.reject(new Error('nothing is kept here')) },
    releaseValues: () => Promise.resolve(''),
    step,
    // As the runner makes them (src/engine/runner.ts).
    hooks: {
      onCommand: (commandLine) => emit({ type: 'command', at: at(), stepId: step.id, commandLine }),
      onLine: (stream, line) => emit({ type: 'output-line', at: at(), stepId: step.id, stream, line }),
      onRetry: (attempt, reason, delayMs) => emit({ type: 'retry', at: at(), stepId: step.id, attempt, reason, delayMs }),
    },
    prior: again?.prior,
  };
  return { spec, ctx, events, run };
}

function testChart(): string {
  const dir = join(kube.dir, 'chart');
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: migrating\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'templates', 'all.yaml'), CHART);
  return dir;
}

/** Runs the step's kind as the runner does; `ended` is the index in `events` at which it returned or threw. */
async function runStep({ spec, ctx, events }: Setup): Promise<{ outcome: unknown; ended: number }> {
  const outcome = await helmRelease().run({ type: 'helm-release', spec }, ctx).catch((e: unknown) => e);
  return { outcome, ended: events.length };
}

const migrationLines = (events: readonly EngineEvent[]): { index: number; line: string }[] =>
  events.flatMap((e, index) => (e.type === 'output-line' && e.line.startsWith('migration: ') ? [{ index, line: e.line }] : []));

describe('helm-release shows the migration log as it runs', () => {
  it('emits each line as an output line, in order and scrubbed, before the step ends', async () => {
    const s = setup(testChart(), { migrationLog: SCRIPT }, 'ws1');
    const { outcome, ended } = await runStep(s);
    expect(outcome).toMatchObject({ revision: '1' });

    const lines = migrationLines(s.events);
    expect(lines.map((l) => l.line)).toEqual([
      'migration: [simulated] container zenml-db-migration started from image zenml-server:0.93.0',
      'migration: Migrating the database at mysql://zenml:***@mysql.example.com:3306/zenml',
      'migration: INFO  [alembic.runtime.migration] Running upgrade 0.92.0 -> 0.93.0',
      'migration: The database is at 0.93.0',
      'migration: [simulated] container zenml-db-migration finished',
    ]);
    expect(lines.every((l) => l.index < ended)).toBe(true);
    // Shown while helm waited: before helm's own report of the release it installed.
    const helmSaid = s.events.findIndex((e) => e.type === 'output-line' && /^STATUS: deployed/.test(e.line));
    expect(helmSaid).toBeGreaterThan(lines.at(-1)?.index ?? Number.POSITIVE_INFINITY);
    expect(JSON.stringify(s.events)).not.toContain(PASSWORD);
    expect(s.events.filter((e) => e.type === 'notice')).toEqual([]);
  });

  it('a failed migration is shown as it fails, then diagnosed with its log tail as before', async () => {
    const s = setup(testChart(), { migrationLog: SCRIPT }, 'ws2');
    kube.sim.faults.add({
      type: 'jobFailure', match: { name: 'ws2-db-migration' },
      logLines: [`connecting to ${DB_URL}`, "ERROR 1045 (28000): Access denied for user 'zenml'@'10.244.1.7'"],
    });
    const { outcome, ended } = await runStep(s);
    expect(outcome).toBeInstanceOf(StepFailure);
    const failure = outcome as StepFailure;
    expect(failure.diagnoses[0]).toMatchObject({ kind: 'migration-failed', summary: expect.stringContaining('ws2-db-migration') as unknown });
    expect(failure.diagnoses[0]?.details).toEqual(expect.arrayContaining([
      'last log lines:', '  connecting to mysql://zenml:***@mysql.example.com:3306/zenml', "  ERROR 1045 (28000): Access denied for user 'zenml'@'10.244.1.7'",
    ]));

    const lines = migrationLines(s.events);
    expect(lines.map((l) => l.line)).toEqual([
      'migration: connecting to mysql://zenml:***@mysql.example.com:3306/zenml',
      "migration: ERROR 1045 (28000): Access denied for user 'zenml'@'10.244.1.7'",
    ]);
    expect(lines.every((l) => l.index < ended)).toBe(true);
    expect(JSON.stringify(s.events)).not.toContain(PASSWORD);
    expect(failure.message).not.toContain(PASSWORD);

    // Fixed and run again: the failed pod kept from the first run is not this run's log. The API
    // stamps whole seconds, so a re-run in the second that pod was made could not tell it from its
    // own (nor could the diagnosis): the re-run starts in a later second, as an operator's does.
    kube.sim.faults.clear();
    const kept = kube.sim.list('v1', 'Pod', s.spec.namespace).map((p) => Date.parse(p.metadata.creationTimestamp ?? ''));
    const later = Math.floor(Math.max(...kept) / 1000) * 1000 + 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, later - Date.now())));
    const again = setup(testChart(), { migrationLog: SCRIPT }, 'ws2', { namespace: s.spec.namespace, prior: 'failed' });
    const second = await runStep(again);
    expect(second.outcome).toMatchObject({ revision: expect.any(String) as unknown });
    expect(migrationLines(again.events).map((l) => l.line)).toEqual([
      'migration: [simulated] container zenml-db-migration started from image zenml-server:0.93.0',
      'migration: Migrating the database at mysql://zenml:***@mysql.example.com:3306/zenml',
      'migration: INFO  [alembic.runtime.migration] Running upgrade 0.92.0 -> 0.93.0',
      'migration: The database is at 0.93.0',
      'migration: [simulated] container zenml-db-migration finished',
    ]);
  });

  it('a log it may not read is one notice; the release is installed all the same', async () => {
    const s = setup(testChart(), { migrationLog: SCRIPT }, 'ws3');
    kube.sim.faults.add({ type: 'rbacDeny', verbs: ['get'], resources: ['pods/log'], namespaces: [s.spec.namespace] });
    const { outcome } = await runStep(s);
    expect(outcome).toMatchObject({ revision: '1' });
    expect(migrationLines(s.events)).toEqual([]);
    const notices = s.events.filter((e) => e.type === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ stepId: 'release:ws3', message: expect.stringMatching(/^the migration log cannot be shown as it runs \(.*forbidden.*\); helm goes on/) as unknown });
  });

  it('a run cancelled while the migration prints ends the step promptly, its follow closed', async () => {
    const s = setup(testChart(), { migrationLog: SCRIPT }, 'ws5');
    const onLine = s.ctx.hooks.onLine;
    let cancelledAt = 0;
    const ctx: StepContext = {
      ...s.ctx,
      hooks: {
        ...s.ctx.hooks,
        onLine: (stream, line) => {
          onLine?.(stream, line);
          if (line.startsWith('migration: ') && !s.run.signal.aborted) {
            cancelledAt = performance.now();
            s.run.abort();
          }
        },
      },
    };
    const { outcome } = await runStep({ ...s, ctx });
    expect(outcome).toBeInstanceOf(Interrupted);
    expect(performance.now() - cancelledAt).toBeLessThan(3000);
    // Nothing is passed on once the run is cancelled.
    expect(migrationLines(s.events)).toHaveLength(1);
  });

  it('the stand-in workspace chart\'s migration prints its lines through the same path', async () => {
    const s = setup(join(REPO_ROOT, 'charts', 'zenml'), { server: { database: { url: DB_URL }, ingress: { host: 'ws4.example.com' } } }, 'ws4');
    const fullname = 'ws4-zenml';
    const { outcome } = await runStep({ ...s, spec: { ...s.spec, deployments: [fullname], migrationJob: `${fullname}-db-migration` } });
    expect(outcome).toMatchObject({ revision: '1' });
    expect(migrationLines(s.events).map((l) => l.line)).toEqual([
      expect.stringMatching(/^migration: \[simulated\] container zenml-db-migration started from image /),
      'migration: Migrating the ZenML database to version 0.0.0-dev (backup strategy: in-memory)',
      'migration: INFO  [alembic.runtime.migration] Context impl MySQLImpl.',
      'migration: INFO  [alembic.runtime.migration] Will assume non-transactional DDL.',
      'migration: INFO  [alembic.runtime.migration] Running upgrade -> 0.0.0-dev',
      'migration: The ZenML database is at version 0.0.0-dev.',
      'migration: [simulated] container zenml-db-migration finished',
    ]);
    expect(JSON.stringify(s.events)).not.toContain(PASSWORD);
  });
});
