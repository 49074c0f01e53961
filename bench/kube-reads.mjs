#!/usr/bin/env node
// N reads of the same cluster state through src/tools/kube-api.ts (one
// process, one keep-alive agent) and through a spawned kubectl / helm per read,
// against an in-process simulation. Prints per-read times and, per kind of
// read, the ratio API ÷ spawned (lower is better); the last line is the ratio
// over all reads: `ratio: N.NN`.  Usage: node bench/kube-reads.mjs [N=20]
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(process.argv[2] ?? 20);
const work = mkdtempSync(join(tmpdir(), 'zpi-bench-reads-'));
const kubectl = join(root, '.tools', 'bin', 'kubectl');
const helm = join(root, '.tools', 'bin', 'helm');

// The module and the simulation are TypeScript: bundle them (dependencies stay in node_modules).
const bundle = join(root, 'node_modules', '.cache', 'zpi-bench', 'kube-reads.mjs');
await build({
  stdin: { contents: "export { KubeApi } from './src/tools/kube-api.ts'; export { startKubeApi } from './src/sim/kube/index.ts';", resolveDir: root, loader: 'ts' },
  bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: bundle, logLevel: 'warning',
});
const { KubeApi, startKubeApi } = await import(bundle);

const sim = await startKubeApi();
const kubeconfig = join(work, 'kubeconfig');
sim.writeKubeconfig(kubeconfig);
const home = join(work, 'home');
const env = { PATH: process.env.PATH, HOME: home, KUBECACHEDIR: join(home, 'kcache'), HELM_CACHE_HOME: join(home, 'hc'), HELM_CONFIG_HOME: join(home, 'hcfg'), HELM_DATA_HOME: join(home, 'hd') };
const target = ['--kubeconfig', kubeconfig, '--kube-context', 'zenml-sim'];
const kubectlTarget = ['--kubeconfig', kubeconfig, '--context', 'zenml-sim'];

// Asynchronous: the simulation answers from this process's event loop.
const run = promisify(execFile);
async function spawnRead(file, args, input) {
  const pending = run(file, args, { env, maxBuffer: 64 * 1024 * 1024 });
  pending.child.stdin.end(input);
  return (await pending).stdout;
}

async function timeN(fn) {
  await fn(); // warm up: discovery caches, the first TLS connection
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return (performance.now() - start) / n;
}

/** From the simulation's status write (deployment ready) to the snapshot that shows it. */
async function watchLatency() {
  let markedAt;
  const unsubscribe = sim.store.subscribe((e) => {
    if (markedAt === undefined && e.object.kind === 'Deployment' && e.object.metadata.name === 'late' && (e.object.status?.readyReplicas ?? 0) >= 1) markedAt = performance.now();
  });
  const controller = new AbortController();
  let resolveSeen;
  const seen = new Promise((resolve) => (resolveSeen = resolve));
  const watching = api.watchNamespace('bench', (snapshot) => {
    if (snapshot.deployments.some((d) => d.metadata?.name === 'late' && (d.status?.readyReplicas ?? 0) >= 1)) resolveSeen(performance.now());
  }, controller.signal);
  const manifest = await spawnRead(kubectl, [...kubectlTarget, 'create', 'deployment', 'late', '--image', 'nginx:1.27', '-n', 'bench', '--dry-run=client', '-o', 'json']);
  await spawnRead(kubectl, [...kubectlTarget, 'apply', '-f', '-'], manifest);
  const at = await seen;
  controller.abort();
  await watching;
  unsubscribe();
  return at - markedAt;
}

const api = KubeApi.open({ context: 'zenml-sim', kubeconfig }, { scrub: (t) => t });
try {
  // Some state to read: a namespace with a 3-replica deployment (pods, events) and a helm release.
  await spawnRead(kubectl, [...kubectlTarget, 'create', 'namespace', 'bench']);
  const chart = join(work, 'chart');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: bench\nversion: 1.2.3\n');
  writeFileSync(join(chart, 'templates', 'app.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  replicas: 3
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec: {containers: [{name: app, image: nginx:1.27}]}
`);
  await spawnRead(helm, [...target, 'upgrade', '--install', 'app', chart, '-n', 'bench', '--set', 'password=x', '--wait', '--timeout', '60s']);

  const rows = [
    // Cluster.identify starts these concurrently, and so does this.
    ['cluster identity', () => api.identify(), () => Promise.all([
      spawnRead(kubectl, [...kubectlTarget, 'version', '-o', 'json']),
      spawnRead(kubectl, [...kubectlTarget, 'get', 'namespace', 'kube-system', '-o', 'jsonpath={.metadata.uid}']),
    ]), 'kubectl version + get namespace'],
    ['namespace snapshot', () => api.snapshot('bench'), () => spawnRead(kubectl, [...kubectlTarget, 'get', 'pods,jobs,deployments,events', '-n', 'bench', '-o', 'json']), 'kubectl get pods,jobs,deployments,events'],
    ['release status', () => api.helmRelease('app', 'bench'), () => spawnRead(helm, [...target, 'list', '--deployed', '--failed', '--pending', '--filter', '^app$', '-n', 'bench', '-o', 'json']), 'helm list --filter'],
  ];
  let apiTotal = 0;
  let spawnTotal = 0;
  console.log(`${n} sequential reads each (ms per read)`);
  for (const [label, viaApi, viaSpawn, spawned] of rows) {
    const a = await timeN(viaApi);
    const s = await timeN(viaSpawn);
    apiTotal += a;
    spawnTotal += s;
    console.log(`${label.padEnd(20)} api ${a.toFixed(1).padStart(7)}   ${spawned.padEnd(42)} ${s.toFixed(1).padStart(7)}   ratio ${(a / s).toFixed(3)}`);
  }
  console.log(`watch: a Deployment turning ready is in a snapshot ${(await watchLatency()).toFixed(1)} ms after the server marked it (goal < 500)`);
  console.log(`ratio: ${(apiTotal / spawnTotal).toFixed(2)}`);
} finally {
  api.close();
  await sim.close();
  rmSync(work, { recursive: true, force: true });
}
