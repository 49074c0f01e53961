// Reads and watches through the Kubernetes API with the official client
// (@kubernetes/client-node), pinned to the operator's kubeconfig and context,
// over one keep-alive agent: what the engine used to learn by starting
// kubectl and helm processes (cluster identity, permissions, applied objects'
// annotations, helm release state, namespace state) at the cost of a request
// instead of a process. Writes stay with `kubectl apply` and `helm`.
import {
  AppsV1Api, AuthorizationV1Api, BatchV1Api, CoreV1Api, KubernetesObjectApi, VersionApi,
  type Configuration, type KubeConfig, type KubernetesListObject, type KubernetesObject, type V1Secret,
} from '@kubernetes/client-node';
import type { ClusterFacts, HelmReleaseRecord, HelmReleaseStatus } from './cluster-facts.js';
import { decodeRecord, latestRecord, recordRevision, runningRecord, recordStatus, releaseHistory, releaseSelector, type HelmRevision } from './helm-records.js';
import type { Target } from './argv.js';
import { apiConfiguration, loadPinnedKubeConfig, type PinnedKubeConfig } from './kube-config.js';
import { DEFAULT_READ_RETRY, KubeApiError, readThroughClient, type RetryPolicy } from './kube-errors.js';
import type { NamespaceSnapshot, PodObject } from './kube-objects.js';
import { plainObject, runNamespaceWatch, type NamespaceObjects, type ObjectKey, type WatchedKind } from './namespace-watch.js';
import { followPodLog } from './pod-logs.js';

export { KubeApiError, type RetryPolicy } from './kube-errors.js';

/** An object named as in a manifest: enough to find it. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string | undefined };
}

export interface KubeApiOptions {
  /** Removes secret values from every message and log line this module returns. */
  readonly scrub: (text: string) => string;
  /** Retries of transient read failures; default DEFAULT_READ_RETRY (5 s). `{ budgetMs: 0, … }` disables them. */
  readonly retry?: RetryPolicy;
  /** A read that has not finished after this long fails as a transient timeout. Default 20 s. */
  readonly requestTimeoutMs?: number;
}

const LOG_TAIL_LINES = 15;

/** KubernetesObjectApi defaults a namespaced object's namespace to "default"; kubectl uses the context's. */
class ContextObjectApi extends KubernetesObjectApi {
  constructor(config: Configuration, kc: KubeConfig) {
    super(config);
    this.setDefaultNamespace(kc);
  }
}

export class KubeApi {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly batch: BatchV1Api;
  private readonly authz: AuthorizationV1Api;
  private readonly version: VersionApi;
  private readonly objects: ContextObjectApi;
  private readonly retry: RetryPolicy;
  private coreResources: Promise<ReadonlySet<string>> | undefined;

  private constructor(
    private readonly kc: PinnedKubeConfig,
    private readonly options: KubeApiOptions,
  ) {
    const config = apiConfiguration(kc, options.requestTimeoutMs ?? 20_000);
    this.core = new CoreV1Api(config);
    this.apps = new AppsV1Api(config);
    this.batch = new BatchV1Api(config);
    this.authz = new AuthorizationV1Api(config);
    this.version = new VersionApi(config);
    this.objects = new ContextObjectApi(config, kc);
    this.retry = options.retry ?? DEFAULT_READ_RETRY;
  }

  /** Loads the kubeconfig (throws KubeApiError for a missing file or context); no request is made yet. */
  static open(target: Target, options: KubeApiOptions): KubeApi {
    return new KubeApi(loadPinnedKubeConfig(target), options);
  }

  /** The API server URL of the pinned context. */
  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? 'unknown';
  }

  /** Closes idle connections; open watches end with their signals. */
  close(): void {
    this.kc.destroy();
  }

  private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return readThroughClient(what, fn, this.options.scrub, this.retry);
  }

  /** Server version, API URL and a stable cluster identity (the kube-system namespace uid). */
  async identify(): Promise<ClusterFacts> {
    const [version, uid] = await Promise.all([
      this.read('reading the cluster version', () => this.version.getCode()),
      this.read('reading the kube-system namespace', () => this.core.readNamespace({ name: 'kube-system' }))
        .then((ns) => ns.metadata?.uid)
        .catch((error: unknown) => {
          // Like `kubectl get namespace kube-system`, a denial or absence leaves the identity unknown.
          if (error instanceof KubeApiError && (error.status === 403 || error.status === 404)) return undefined;
          throw error;
        }),
    ]);
    return { server: this.server, uid, gitVersion: version.gitVersion, minor: Number.parseInt(version.minor, 10) || 0 };
  }

  /**
   * Whether the pinned user may `verb` the `resource` (a plural, `plural.group`
   * for other groups than the core one, optionally `/subresource`), as
   * `kubectl auth can-i` answers it.
   */
  async canI(verb: string, resource: string, namespace?: string): Promise<boolean> {
    const [qualified = '', subresource] = resource.split('/');
    const dot = qualified.indexOf('.');
    const plural = dot < 0 ? qualified : qualified.slice(0, dot);
    const group = dot < 0 ? '' : qualified.slice(dot + 1);
    if (!group && !(await this.isCoreResource(plural))) {
      throw new KubeApiError(`"${plural}" is not a core resource: name it with its group, e.g. deployments.apps`, undefined, false, 'UnknownResource');
    }
    const review = await this.read(`checking permission to ${verb} ${resource}`, () => this.authz.createSelfSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb, resource: plural, group, ...(subresource ? { subresource } : {}), ...(namespace ? { namespace } : {}) } },
      },
    }));
    return review.status?.allowed === true;
  }

  private isCoreResource(plural: string): Promise<boolean> {
    this.coreResources ??= this.read('discovering the core API', () => this.core.getAPIResources())
      .then((list) => new Set(list.resources.map((r) => r.name)));
    this.coreResources.catch(() => (this.coreResources = undefined));
    return this.coreResources.then((names) => names.has(plural));
  }

  /** The annotations of each object as it is in the cluster, or undefined when any of them is missing. */
  async liveAnnotations(refs: readonly ObjectRef[]): Promise<Record<string, string>[] | undefined> {
    const found = await Promise.all(refs.map((ref) => {
      const spec = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.metadata.name, ...(ref.metadata.namespace ? { namespace: ref.metadata.namespace } : {}) } };
      return this.read(`reading ${ref.kind} ${ref.metadata.name}`, () => this.objects.read(spec))
        .then((obj) => ({ ...(obj.metadata?.annotations ?? {}) }))
        .catch((error: unknown) => {
          if (error instanceof KubeApiError && error.status === 404) return undefined;
          throw error;
        });
    }));
    return found.every((a) => a !== undefined) ? found : undefined;
  }

  private releaseRecords(release: string, namespace: string): Promise<V1Secret[]> {
    return this.read(`reading the records of release ${release}`, () => this.core.listNamespacedSecret({ namespace, labelSelector: releaseSelector(release) }))
      .then((list) => list.items);
  }

  /** The release's latest revision as helm's records say, or undefined when there is none; helm is not started. */
  async helmRelease(release: string, namespace: string): Promise<HelmReleaseStatus | undefined> {
    const latest = latestRecord(await this.releaseRecords(release, namespace));
    if (!latest) return undefined;
    return { status: recordStatus(latest), revision: recordRevision(latest), chartVersion: decodeRecord(latest).chart?.metadata?.version };
  }

  /**
   * A revision with its values and manifest: the latest, or with `running` the one that runs (see runningRecord);
   * undefined without a release. Holds secrets: never log it.
   */
  async helmRecord(release: string, namespace: string, which: 'latest' | 'running' = 'latest'): Promise<HelmReleaseRecord | undefined> {
    const records = await this.releaseRecords(release, namespace);
    const latest = which === 'running' ? runningRecord(records) : latestRecord(records);
    if (!latest) return undefined;
    const payload = decodeRecord(latest);
    return {
      status: recordStatus(latest), revision: recordRevision(latest), chartVersion: payload.chart?.metadata?.version, chartName: payload.chart?.metadata?.name,
      values: payload.config ?? {}, manifest: payload.manifest ?? '',
      stored: { name: latest.metadata?.name ?? '', labels: latest.metadata?.labels ?? {}, data: latest.data ?? {} },
    };
  }

  /** The user-supplied values of the latest revision (what `helm get values` prints), or undefined without a release. Holds secrets: never log it. */
  async helmValues(release: string, namespace: string): Promise<Record<string, unknown> | undefined> {
    const latest = latestRecord(await this.releaseRecords(release, namespace));
    if (!latest) return undefined;
    return decodeRecord(latest).config ?? {};
  }

  /** Every revision of the release, oldest first (empty without a release), as `helm history` lists them, with their values. Holds secrets: never log it. */
  async helmHistory(release: string, namespace: string): Promise<HelmRevision[]> {
    return releaseHistory(await this.releaseRecords(release, namespace));
  }

  private watchedKinds(namespace: string): Record<ObjectKey, WatchedKind> {
    const list = (fn: () => Promise<unknown>) => fn as () => Promise<KubernetesListObject<KubernetesObject>>;
    return {
      pods: { apiVersion: 'v1', kind: 'Pod', path: `/api/v1/namespaces/${namespace}/pods`, list: list(() => this.core.listNamespacedPod({ namespace })) },
      jobs: { apiVersion: 'batch/v1', kind: 'Job', path: `/apis/batch/v1/namespaces/${namespace}/jobs`, list: list(() => this.batch.listNamespacedJob({ namespace })) },
      deployments: { apiVersion: 'apps/v1', kind: 'Deployment', path: `/apis/apps/v1/namespaces/${namespace}/deployments`, list: list(() => this.apps.listNamespacedDeployment({ namespace })) },
      events: { apiVersion: 'v1', kind: 'Event', path: `/api/v1/namespaces/${namespace}/events`, list: list(() => this.core.listNamespacedEvent({ namespace })) },
    };
  }

  /** Pods, jobs, deployments, events, and (only when a diagnosis needs them) secret names and log tails of a namespace. */
  async snapshot(namespace: string): Promise<NamespaceSnapshot> {
    const kinds = this.watchedKinds(namespace);
    const listed = async <K extends ObjectKey>(key: K): Promise<NamespaceObjects[K]> => {
      const { apiVersion, kind, list } = kinds[key];
      const result = await this.read(`reading the ${key} of namespace ${namespace}`, list);
      return result.items.map((item) => plainObject(item, apiVersion, kind));
    };
    const [pods, jobs, deployments, events] = await Promise.all([listed('pods'), listed('jobs'), listed('deployments'), listed('events')]);
    return this.complete(namespace, { pods, jobs, deployments, events });
  }

  /**
   * Calls onChange with a fresh snapshot once all four watches have listed,
   * then after every change (coalesced over 20 ms). Resolves when `signal`
   * aborts; rejects with a KubeApiError when a watch fails for good (403…);
   * transient failures restart the watch with backoff and are reported to onError.
   */
  watchNamespace(namespace: string, onChange: (snapshot: NamespaceSnapshot) => void, signal: AbortSignal, onError?: (error: KubeApiError) => void): Promise<void> {
    return runNamespaceWatch({
      kc: this.kc, namespace, kinds: this.watchedKinds(namespace), signal, onChange, scrub: this.options.scrub,
      complete: (objects) => this.complete(namespace, objects),
      restartPolicy: { baseDelayMs: 500, maxDelayMs: 8000 },
      ...(onError ? { onError } : {}),
    });
  }

  /**
   * Each line a container prints (scrubbed, long ones cut), as it prints it,
   * until it ends or `signal` aborts. Rejects with a KubeApiError when the log
   * cannot be read; never retried (lines already passed on would repeat).
   */
  followPodLog(namespace: string, pod: string, container: string, onLine: (line: string) => void, signal: AbortSignal): Promise<void> {
    return followPodLog(this.kc, { namespace, pod, container, onLine, signal, scrub: this.options.scrub });
  }

  /** Secret names only matter to an image pull diagnosis, log tails to crashes and failed jobs: read them only then, best effort. */
  private async complete(namespace: string, objects: NamespaceObjects): Promise<NamespaceSnapshot> {
    const pulling = objects.pods.some((p) => p.status?.containerStatuses?.some((c) => /ImagePull/.test(c.state?.waiting?.reason ?? '')));
    const secretNames = pulling
      ? await this.core.listNamespacedSecret({ namespace }).then((l) => l.items.map((s) => s.metadata?.name ?? '').filter(Boolean), () => [])
      : [];
    const logs = new Map<string, string[]>();
    await Promise.all(objects.pods.filter(needsLogs).map(async (pod) => {
      const name = pod.metadata?.name ?? '';
      const lines = await this.podLogTail(namespace, pod, name);
      if (lines.length > 0) logs.set(name, lines);
    }));
    return { namespace, ...objects, secretNames, logs };
  }

  /** The last lines of every container, as `kubectl logs --all-containers --tail 15`; a container without logs yet is skipped. */
  private async podLogTail(namespace: string, pod: PodWithContainers, name: string): Promise<string[]> {
    const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].flatMap((c) => (c.name ? [c.name] : []));
    const texts = await Promise.all(containers.map((container) =>
      this.core.readNamespacedPodLog({ name, namespace, container, tailLines: LOG_TAIL_LINES }).catch(() => '')));
    return this.options.scrub(texts.join('\n')).split('\n').filter((l) => l.trim().length > 0);
  }
}

/** PodObject leaves out init containers; the API JSON has them. */
type PodWithContainers = PodObject & { spec?: { initContainers?: { name?: string }[] } };

function needsLogs(pod: PodObject): boolean {
  const crashing = pod.status?.containerStatuses?.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff');
  return Boolean(crashing) || pod.status?.phase === 'Failed';
}
