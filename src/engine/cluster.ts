// Everything the engine asks of the cluster, through the real helm and
// kubectl, pinned to the run's target. Reads retry transient API errors;
// writes are never blindly repeated.
import { helmArgs, kubectlArgs } from '../tools/argv.js';
import { applyArgs, canIArgs, clusterUidArgs, helmUpgradeArgs, snapshotArgs, versionArgs } from '../tools/commands.js';
import { failureSummary, retryTransient, runTool, transientFailureReason, type OutputStream, type ToolResult } from '../tools/exec.js';
import type { Manifest, ReleaseSpec, Target } from '../plan/steps.js';
import type { DeploymentObject, EventObject, JobObject, NamespaceSnapshot, PodObject } from './diagnose.js';
import type { Redactor } from './redact.js';

export interface Tools {
  readonly helm: string;
  readonly kubectl: string;
  /** Extra environment for the tools (tests isolate HOME and helm's cache dirs this way). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A helm or kubectl call that failed; the message is scrubbed and says what ran. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly result: ToolResult,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}

export interface HelmReleaseStatus {
  readonly status: string;
  readonly revision: number;
  readonly chartVersion: string | undefined;
}

export interface ClusterFacts {
  readonly server: string;
  readonly uid: string | undefined;
  readonly gitVersion: string;
  readonly minor: number;
}

export interface CallHooks {
  readonly signal?: AbortSignal;
  readonly onCommand?: (commandLine: string) => void;
  readonly onLine?: (stream: OutputStream, line: string) => void;
  readonly onRetry?: (attempt: number, reason: string, delayMs: number) => void;
}

/**
 * Objects as a multi-document stream, not a `List`: kubectl validates each
 * object against OpenAPI v3, while a List sends it to the v2 fallback.
 */
function manifestStream(objects: readonly object[]): string {
  return objects.map((o) => JSON.stringify(o)).join('\n---\n');
}

export class Cluster {
  constructor(
    readonly target: Target,
    private readonly tools: Tools,
    private readonly redactor: Redactor,
  ) {}

  private async call(tool: 'helm' | 'kubectl', args: readonly string[], hooks: CallHooks, options: { input?: string; retry?: boolean; timeoutMs?: number } = {}): Promise<ToolResult> {
    const file = tool === 'helm' ? this.tools.helm : this.tools.kubectl;
    const full = tool === 'helm' ? helmArgs(this.target, args) : kubectlArgs(this.target, args);
    const once = async (): Promise<ToolResult> => {
      const result = await runTool({
        file,
        args: full,
        redactor: this.redactor,
        ...(options.input !== undefined ? { input: options.input } : {}),
        ...(this.tools.env ? { env: this.tools.env } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
        ...(hooks.onLine ? { onLine: hooks.onLine } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
      hooks.onCommand?.(result.commandLine);
      return result;
    };
    if (!options.retry) return once();
    return retryTransient(() => once(), {
      // About 6 to 12 s in all: rides out an API server restart or a load balancer failover.
      attempts: 6,
      baseDelayMs: 500,
      maxDelayMs: 5000,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.onRetry ? { onRetry: (info: { attempt: number; reason: string; delayMs: number }) => hooks.onRetry?.(info.attempt, info.reason, info.delayMs) } : {}),
    });
  }

  /** A read-only call whose result the caller interprets (support bundles). */
  raw(tool: 'helm' | 'kubectl', args: readonly string[], hooks: CallHooks): Promise<ToolResult> {
    return this.call(tool, args, hooks, { retry: true, timeoutMs: 60_000 });
  }

  private fail(what: string, result: ToolResult): never {
    if (result.startError) throw new ToolError(`${what}: cannot run ${result.commandLine.split(' ')[0] ?? ''}: ${result.startError}`, result, false);
    throw new ToolError(`${what} failed\n${failureSummary(result, this.redactor, 12)}`, result, transientFailureReason(result) !== undefined);
  }

  async kubectlJson<T>(args: readonly string[], hooks: CallHooks, what: string): Promise<T> {
    const result = await this.call('kubectl', [...args, '-o', 'json'], hooks, { retry: true });
    if (result.exitCode !== 0) this.fail(what, result);
    return JSON.parse(result.stdout) as T;
  }

  /** Server version, API URL and a stable cluster identity (the kube-system namespace uid). */
  async identify(hooks: CallHooks): Promise<ClusterFacts> {
    const [version, config, ns] = await Promise.all([
      this.kubectlJson<{ serverVersion?: { gitVersion?: string; minor?: string } }>(versionArgs().slice(0, -2), hooks, 'reading the cluster version'),
      this.kubectlJson<{ clusters?: { cluster?: { server?: string } }[] }>(['config', 'view', '--minify'], hooks, 'reading the kubeconfig'),
      this.call('kubectl', clusterUidArgs(), hooks, { retry: true }),
    ]);
    return {
      server: config.clusters?.[0]?.cluster?.server ?? 'unknown',
      uid: ns.exitCode === 0 && ns.stdout.trim() ? ns.stdout.trim() : undefined,
      gitVersion: version.serverVersion?.gitVersion ?? 'unknown',
      minor: Number.parseInt(version.serverVersion?.minor ?? '0', 10),
    };
  }

  async canI(verb: string, resource: string, hooks: CallHooks, namespace?: string): Promise<boolean> {
    const result = await this.call('kubectl', [...canIArgs(verb, resource), ...(namespace ? ['--namespace', namespace] : [])], hooks, { retry: true });
    if (result.exitCode !== 0 && result.stdout.trim() !== 'no') this.fail(`checking permission to ${verb} ${resource}`, result);
    return result.stdout.trim() === 'yes';
  }

  /** Server-side apply of generated manifests, fed on stdin (secrets never in argv). */
  async apply(manifests: readonly Manifest[], hooks: CallHooks): Promise<void> {
    const input = manifestStream(manifests);
    const result = await this.call('kubectl', applyArgs(), hooks, { input, retry: true });
    if (result.exitCode !== 0) this.fail(`applying ${manifests.length} object(s)`, result);
  }

  /** The annotations of each manifest's live object, or undefined when any is missing. */
  async liveAnnotations(manifests: readonly Manifest[], hooks: CallHooks): Promise<Record<string, string>[] | undefined> {
    const names = manifests.map((m) => ({ apiVersion: m.apiVersion, kind: m.kind, metadata: { name: m.metadata.name, ...(m.metadata.namespace ? { namespace: m.metadata.namespace } : {}) } }));
    const result = await this.call('kubectl', ['get', '-f', '-', '-o', 'jsonpath={range .items[*]}{.metadata.annotations}{"\\n"}{end}'], hooks, {
      input: manifestStream(names),
      retry: true,
    });
    if (result.exitCode !== 0) {
      if (/NotFound|not found/.test(result.stderr)) return undefined;
      this.fail('reading applied objects', result);
    }
    const lines = result.stdout.split('\n').filter((l) => l.length > 0);
    if (lines.length !== manifests.length) return undefined;
    return lines.map((l) => (l.startsWith('{') ? (JSON.parse(l) as Record<string, string>) : {}));
  }

  /** The release as `helm list` sees it (any state, pending ones included), or undefined. */
  async helmStatus(release: string, namespace: string, hooks: CallHooks): Promise<HelmReleaseStatus | undefined> {
    const filter = `^${release.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
    const result = await this.call('helm', ['list', '--deployed', '--failed', '--pending', '--filter', filter, '--namespace', namespace, '-o', 'json'], hooks, { retry: true });
    if (result.exitCode !== 0) this.fail(`reading the status of release ${release}`, result);
    const rows = JSON.parse(result.stdout || '[]') as { name?: string; status?: string; revision?: string; chart?: string }[];
    const row = rows.find((r) => r.name === release);
    if (!row) return undefined;
    const chartVersion = /-(\d+\.\d+\.\d+[^\s]*)$/.exec(row.chart ?? '')?.[1];
    return { status: row.status ?? 'unknown', revision: Number(row.revision ?? 0), chartVersion };
  }

  async helmValues(release: string, namespace: string, hooks: CallHooks): Promise<unknown> {
    const result = await this.call('helm', ['get', 'values', release, '--namespace', namespace, '-o', 'json'], hooks, { retry: true });
    if (result.exitCode !== 0) this.fail(`reading the values of release ${release}`, result);
    return JSON.parse(result.stdout) as unknown;
  }

  helmUpgrade(spec: ReleaseSpec, hooks: CallHooks): Promise<ToolResult> {
    return this.call('helm', helmUpgradeArgs(spec), hooks);
  }

  /** Removes the record of a stuck pending revision so the release can be installed again. */
  async deleteReleaseRevision(release: string, namespace: string, revision: number, hooks: CallHooks): Promise<void> {
    const result = await this.call('kubectl', ['delete', 'secret', `sh.helm.release.v1.${release}.v${revision}`, '--namespace', namespace, '--ignore-not-found'], hooks, { retry: true });
    if (result.exitCode !== 0) this.fail(`removing the stuck revision ${revision} of release ${release}`, result);
  }

  /** Pods, jobs, deployments, events, secret names and log tails of a namespace, for diagnosis. */
  async snapshot(namespace: string, hooks: CallHooks): Promise<NamespaceSnapshot> {
    const list = await this.kubectlJson<{ items?: (PodObject & JobObject & DeploymentObject & EventObject & { kind?: string })[] }>(
      snapshotArgs(namespace).slice(0, -2),
      hooks,
      `reading the state of namespace ${namespace}`,
    );
    const items = list.items ?? [];
    const pods = items.filter((i) => i.kind === 'Pod') as PodObject[];
    // Secret names only matter to an image pull diagnosis (is the pull secret there?): read them only then.
    const pulling = pods.some((p) => p.status?.containerStatuses?.some((c) => /ImagePull/.test(c.state?.waiting?.reason ?? '')));
    const secrets = pulling ? await this.call('kubectl', ['get', 'secrets', '--namespace', namespace, '-o', 'jsonpath={.items[*].metadata.name}'], hooks, { retry: true }) : undefined;
    const logs = new Map<string, string[]>();
    for (const pod of pods) {
      const crashing = pod.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff');
      const failedJobPod = pod.status?.phase === 'Failed';
      const name = pod.metadata?.name;
      if (!name || !(crashing || failedJobPod)) continue;
      const result = await this.call('kubectl', ['logs', name, '--namespace', namespace, '--all-containers', '--tail', '15'], hooks, { retry: true });
      if (result.exitCode === 0) logs.set(name, this.redactor.scrub(result.stdout).split('\n').filter((l) => l.trim().length > 0));
    }
    return {
      namespace,
      pods,
      jobs: items.filter((i) => i.kind === 'Job'),
      deployments: items.filter((i) => i.kind === 'Deployment'),
      events: items.filter((i) => i.kind === 'Event'),
      secretNames: secrets?.exitCode === 0 ? secrets.stdout.split(/\s+/).filter(Boolean) : [],
      logs,
    };
  }
}
