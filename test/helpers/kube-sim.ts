// One simulated Kubernetes API per test file, and a way to run the real
// `.tools/bin/{helm,helm3,kubectl}` against it. Every test gets its own HOME,
// KUBECACHEDIR and HELM_{CACHE,CONFIG,DATA}_HOME: kubectl and helm cache
// discovery for hours, and helm ignores KUBECACHEDIR. Child processes get a
// minimal environment (no inherited KUBECONFIG or proxy variables).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startKubeApi, type KubeApi, type KubeApiOptions } from '../../src/sim/kube/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TOOLS_BIN = join(REPO_ROOT, '.tools', 'bin');

export type Tool = 'helm' | 'helm3' | 'kubectl';

export interface RunResult {
  stdout: string;
  stderr: string;
  /** -1 when the process was killed (timeout or signal). */
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
}

export interface RunOptions {
  /** Written to stdin (manifests for `apply -f -`, secrets). */
  input?: string;
  /** Default 30 s; every run is bounded. */
  timeoutMs?: number;
  cwd?: string;
}

export interface KubeSimHarness {
  /** The running simulation (valid inside tests and hooks). */
  readonly sim: KubeApi;
  readonly kubeconfigPath: string;
  /** A fresh directory for the current test. */
  readonly dir: string;
  /** The environment child processes get in the current test. */
  env(): Record<string, string>;
  run(tool: Tool, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  kubectl(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  helm(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  helm3(args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Registers beforeAll/afterAll hooks that start and stop one simulation for this file. */
export function setupKubeSim(options: KubeApiOptions = {}): KubeSimHarness {
  let root: string | undefined;
  let sim: KubeApi | undefined;
  let kubeconfigPath = '';
  let dir: string | undefined;
  let testCount = 0;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'zpi-kube-sim-'));
    sim = await startKubeApi(options);
    kubeconfigPath = join(root, 'kubeconfig');
    sim.writeKubeconfig(kubeconfigPath);
  });

  afterAll(async () => {
    await sim?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  beforeEach(() => {
    if (!root) throw new Error('the simulation did not start');
    dir = join(root, `test-${++testCount}`);
    for (const sub of ['home', 'kube-cache', 'helm-cache', 'helm-config', 'helm-data']) mkdirSync(join(dir, sub), { recursive: true });
  });

  afterEach(() => {
    // A fault-free simulation never throws internally; an error here is a simulation bug.
    const errors = sim?.errors ?? [];
    if (errors.length > 0) throw new Error(`the simulation recorded internal errors: ${errors.map(String).join('; ')}`);
  });

  const current = (): string => {
    if (!dir) throw new Error('setupKubeSim: use the harness inside a test');
    return dir;
  };

  const env = (): Record<string, string> => {
    const d = current();
    return {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: join(d, 'home'),
      KUBECACHEDIR: join(d, 'kube-cache'),
      HELM_CACHE_HOME: join(d, 'helm-cache'),
      HELM_CONFIG_HOME: join(d, 'helm-config'),
      HELM_DATA_HOME: join(d, 'helm-data'),
      KUBECONFIG: kubeconfigPath,
    };
  };

  const run = async (tool: Tool, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> => {
    const started = Date.now();
    const result = await execa(join(TOOLS_BIN, tool), ['--kubeconfig', kubeconfigPath, ...args], {
      env: env(), extendEnv: false, reject: false, timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      cwd: opts.cwd ?? current(), ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
    });
    return {
      stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? -1,
      timedOut: result.timedOut, durationMs: Date.now() - started,
    };
  };

  return {
    get sim() {
      if (!sim) throw new Error('setupKubeSim: the simulation is not running');
      return sim;
    },
    get kubeconfigPath() {
      return kubeconfigPath;
    },
    get dir() {
      return current();
    },
    env,
    run,
    kubectl: (args, opts) => run('kubectl', args, opts),
    helm: (args, opts) => run('helm', args, opts),
    helm3: (args, opts) => run('helm3', args, opts),
  };
}

const DEMO_CHART_TEMPLATE = `apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-config
stringData:
  password: {{ .Values.password | quote }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-server
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}-server}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}-server}
    spec:
      containers:
        - name: server
          image: {{ .Values.image }}
          ports: [{containerPort: 8080}]
          env:
            - {name: MODE, value: sim}
            {{- with .Values.extraEnv }}
            - {name: EXTRA, value: {{ . | quote }}}
            {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-server
spec:
  selector: {app: {{ .Release.Name }}-server}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .Release.Name }}-server
spec:
  ingressClassName: nginx
  rules:
    - host: zenml.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: {{ .Release.Name }}-server, port: {number: 80}}}
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
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: {{ .Values.migrationImage | default .Values.image }}
          args: [migrate-database]
`;

/**
 * Writes a tiny chart (Secret, Deployment, Service, Ingress, and a
 * pre-install/pre-upgrade migration Job hook deleted before re-creation and on
 * success) and two values files into `dir`.
 */
export function writeDemoChart(dir: string, options: { kubeVersion?: string } = {}): { chart: string; values1: string; values2: string } {
  const chart = join(dir, 'chart');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  const kubeVersion = options.kubeVersion ? `kubeVersion: "${options.kubeVersion}"\n` : '';
  writeFileSync(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: simdemo\nversion: 0.1.0\nappVersion: "1.0"\n${kubeVersion}`);
  writeFileSync(join(chart, 'values.yaml'), 'replicas: 1\nimage: zenmldocker/zenml-server:0.90.0\npassword: changeme\nextraEnv: ""\nmigrationImage: ""\n');
  writeFileSync(join(chart, 'templates', 'all.yaml'), DEMO_CHART_TEMPLATE);
  const values1 = join(dir, 'values-1.yaml');
  const values2 = join(dir, 'values-2.yaml');
  writeFileSync(values1, 'password: first\nextraEnv: "on"\n', { mode: 0o600 });
  writeFileSync(values2, 'replicas: 2\nimage: zenmldocker/zenml-server:0.91.0\npassword: second\n', { mode: 0o600 });
  return { chart, values1, values2 };
}

/** A one-container Deployment manifest (YAML) for tests; `container` defaults to the deployment name. */
export function deploymentYaml(name: string, namespace: string, image: string, options: { replicas?: number; container?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  replicas: ${options.replicas ?? 1}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
        - name: ${options.container ?? name}
          image: ${image}
`;
}
