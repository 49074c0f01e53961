// Watches a namespace's pods, jobs, deployments and events with the client's
// informers (list, then watch from that resourceVersion, relist on 410) and
// hands the caller a fresh snapshot whenever anything changed, instead of the
// engine polling `kubectl get` every second.
import { makeInformer, type Informer, type KubernetesListObject, type KubernetesObject, type ObjectCache } from '@kubernetes/client-node';
import type { PinnedKubeConfig } from './kube-config.js';
import { toKubeApiError, type KubeApiError, type RetryPolicy } from './kube-errors.js';
import type { DeploymentObject, EventObject, JobObject, PodObject } from './kube-objects.js';

/** The four kinds a readiness watch and a diagnosis look at, as plain API JSON. */
export interface NamespaceObjects {
  readonly pods: PodObject[];
  readonly jobs: JobObject[];
  readonly deployments: DeploymentObject[];
  readonly events: EventObject[];
}

export type ObjectKey = keyof NamespaceObjects;

export interface WatchedKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** The collection path, e.g. /api/v1/namespaces/ns/pods. */
  readonly path: string;
  readonly list: () => Promise<KubernetesListObject<KubernetesObject>>;
}

/**
 * The client's typed lists hold Date objects and class instances, its watch
 * events plain JSON: both become the JSON the API sent (timestamps as strings),
 * with kind and apiVersion, so every consumer sees one shape.
 */
export function plainObject<T>(obj: unknown, apiVersion: string, kind: string): T {
  return { apiVersion, kind, ...(JSON.parse(JSON.stringify(obj)) as object) } as T;
}

/** Bursts of events (a rollout writes several objects at once) become one snapshot; short enough to keep the 0.5 s goal. */
const SETTLE_MS = 20;

interface Feed {
  readonly key: ObjectKey;
  readonly kind: WatchedKind;
  readonly informer: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  /** Listed and watching; false after an error until a restart succeeds. */
  healthy: boolean;
  failures: number;
  restart?: NodeJS.Timeout;
}

export interface WatchOptions<S> {
  readonly kc: PinnedKubeConfig;
  readonly namespace: string;
  readonly kinds: Readonly<Record<ObjectKey, WatchedKind>>;
  /** Makes the snapshot: the objects plus what a diagnosis needs beyond them (secret names, log tails). */
  readonly complete: (objects: NamespaceObjects) => Promise<S>;
  readonly onChange: (snapshot: S) => void;
  readonly restartPolicy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>;
  readonly onError?: (error: KubeApiError) => void;
  readonly scrub: (text: string) => string;
  readonly signal: AbortSignal;
}

/**
 * Runs until `signal` aborts (resolves) or a watch fails for good, e.g. 403
 * (rejects). Transient failures (outages, resets) restart the failed watch
 * with backoff; snapshots resume once every watch has listed again.
 */
export function runNamespaceWatch<S>(options: WatchOptions<S>): Promise<void> {
  const { kc, signal } = options;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let pending: NodeJS.Timeout | undefined;
    let running = false;
    let again = false;

    const feeds: Feed[] = (Object.keys(options.kinds) as ObjectKey[]).map((key) => {
      const kind = options.kinds[key];
      return { key, kind, informer: makeInformer(kc, kind.path, kind.list), healthy: false, failures: 0 };
    });

    const stopAll = async (): Promise<void> => {
      clearTimeout(pending);
      for (const feed of feeds) clearTimeout(feed.restart);
      await Promise.all(feeds.map((f) => f.informer.stop()));
    };
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void stopAll().then(() => (error === undefined ? resolve() : reject(error)));
    };
    const onAbort = (): void => finish();

    const current = (): NamespaceObjects => {
      const of = <T>(key: ObjectKey): T[] => {
        const { apiVersion, kind } = options.kinds[key];
        const feed = feeds.find((f) => f.key === key);
        return (feed?.informer.list(options.namespace) ?? []).map((o) => plainObject<T>(o, apiVersion, kind));
      };
      return { pods: of<PodObject>('pods'), jobs: of<JobObject>('jobs'), deployments: of<DeploymentObject>('deployments'), events: of<EventObject>('events') };
    };

    // One snapshot at a time: changes during one (log reads take a moment) make exactly one more.
    const emit = async (): Promise<void> => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          if (settled || !feeds.every((f) => f.healthy)) return;
          const snapshot = await options.complete(current());
          if (!settled) options.onChange(snapshot);
        } while (again);
      } catch (error) {
        // Completing a snapshot reads best effort: what lands here is the caller's own error from onChange.
        finish(error instanceof Error ? error : new Error('the snapshot callback failed'));
      } finally {
        running = false;
      }
    };
    const changed = (): void => {
      if (settled || pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        void emit();
      }, SETTLE_MS);
    };

    const start = async (feed: Feed): Promise<void> => {
      const before = feed.failures;
      await feed.informer.start();
      // The informer reports a failed list through its error callback, not by throwing.
      if (settled) await feed.informer.stop();
      else if (feed.failures === before) {
        feed.healthy = true;
        feed.failures = 0;
        changed();
      }
    };

    for (const feed of feeds) {
      feed.informer.on('change', changed);
      feed.informer.on('error', (raw: unknown) => {
        if (settled) return;
        const error = toKubeApiError(raw, `watching ${feed.key} in namespace ${options.namespace}`, options.scrub);
        feed.healthy = false;
        feed.failures += 1;
        if (!error.transient) {
          finish(error);
          return;
        }
        options.onError?.(error);
        const { baseDelayMs, maxDelayMs } = options.restartPolicy;
        const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (feed.failures - 1));
        clearTimeout(feed.restart);
        feed.restart = setTimeout(() => void start(feed), delay);
      });
    }

    if (signal.aborted) {
      finish();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    for (const feed of feeds) void start(feed);
  });
}
