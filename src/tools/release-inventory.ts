// The helm releases in a cluster and the readiness of their deployments, read
// through the Kubernetes API without starting helm (what `helm list -A`,
// `helm status` and `kubectl get deployments` would show). Only the latest
// record of each release is decoded: older revisions are history, and each
// decode is a gunzip of a payload that may be large.
import { AppsV1Api, CoreV1Api, type V1Secret } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { Target } from './argv.js';
import { decodeRecord, latestRecord, recordRevision, recordStatus, type ReleasePayload, type ReleaseSecret } from './helm-records.js';
import { apiConfiguration, loadPinnedKubeConfig, type PinnedKubeConfig } from './kube-config.js';
import { readThroughClient, type RetryPolicy } from './kube-errors.js';

/** The latest revision of one release, as `helm status` would show it. */
export interface ReleaseSummary {
  readonly name: string;
  readonly namespace: string;
  readonly status: string;
  readonly revision: number;
  readonly chart: string | undefined;
  readonly chartVersion: string | undefined;
  readonly appVersion: string | undefined;
  /** The Deployments the release's manifest declares (hooks such as a migration Job are not in it). */
  readonly deployments: readonly string[];
  /** The user-supplied values (what `helm get values` prints). They hold secrets: never print them. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** Helm's payload also carries these; helm-records.ts types only what the install reads. */
type FullPayload = ReleasePayload & {
  readonly manifest?: string;
  readonly chart?: { readonly metadata?: { readonly appVersion?: string } };
};

export interface DeploymentReadiness {
  readonly name: string;
  /** spec.replicas (a Deployment without it runs one). */
  readonly desired: number;
  readonly ready: number;
}

/** The names of the Deployments in a rendered manifest (a multi-document YAML stream). */
export function manifestDeployments(manifest: string): string[] {
  const names: string[] = [];
  for (const doc of parseAllDocuments(manifest)) {
    const obj = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
    if (obj?.kind === 'Deployment' && typeof obj.metadata?.name === 'string') names.push(obj.metadata.name);
  }
  return names;
}

/** A release record as listed: the Secret's namespace is the release's. */
type ListedRecord = ReleaseSecret & { readonly metadata?: { readonly namespace?: string } };

/**
 * Release records (Secrets labelled owner=helm) → the latest revision of each
 * release, decoded. A release whose latest record says uninstalled (kept with
 * --keep-history) is no release, as for `helm list`.
 */
export function summarizeReleases(secrets: readonly ListedRecord[]): ReleaseSummary[] {
  const byRelease = new Map<string, { namespace: string; name: string; records: ListedRecord[] }>();
  for (const secret of secrets) {
    const name = secret.metadata?.labels?.name;
    const namespace = secret.metadata?.namespace;
    if (!name || !namespace) continue;
    const key = `${namespace}/${name}`;
    const group = byRelease.get(key) ?? { namespace, name, records: [] };
    group.records.push(secret);
    byRelease.set(key, group);
  }
  const summaries: ReleaseSummary[] = [];
  for (const { namespace, name, records } of byRelease.values()) {
    const latest = latestRecord(records);
    if (!latest) continue;
    const status = recordStatus(latest);
    if (status === 'uninstalled' || status === 'uninstalling') continue;
    const payload = decodeRecord(latest) as FullPayload;
    const meta = payload.chart?.metadata;
    summaries.push({
      name,
      namespace,
      status,
      revision: recordRevision(latest),
      chart: meta?.name,
      chartVersion: meta?.version,
      appVersion: meta?.appVersion,
      deployments: payload.manifest ? manifestDeployments(payload.manifest) : [],
      values: payload.config ?? {},
    });
  }
  return summaries.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

const HELM_RECORDS = 'owner=helm';
const PAGE = 200;

export interface ReleaseInventoryOptions {
  /** Removes secret values from error messages. */
  readonly scrub: (text: string) => string;
  readonly retry: RetryPolicy;
  /** A read that has not finished after this long fails as a transient timeout. Default 20 s. */
  readonly requestTimeoutMs?: number;
}

/** Reads with the operator's pinned kubeconfig and context; every failure is a KubeApiError. */
export class ReleaseInventory {
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;

  private constructor(
    private readonly kc: PinnedKubeConfig,
    private readonly options: ReleaseInventoryOptions,
  ) {
    const config = apiConfiguration(kc, options.requestTimeoutMs ?? 20_000);
    this.core = new CoreV1Api(config);
    this.apps = new AppsV1Api(config);
  }

  /** Loads the kubeconfig (throws KubeApiError for a missing file or context); no request is made yet. */
  static open(target: Target, options: ReleaseInventoryOptions): ReleaseInventory {
    return new ReleaseInventory(loadPinnedKubeConfig(target), options);
  }

  close(): void {
    this.kc.destroy();
  }

  private read<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return readThroughClient(what, fn, this.options.scrub, this.options.retry);
  }

  /** Every release in every namespace (needs `list secrets` cluster-wide), in pages so a large cluster is not one huge answer. */
  async allReleases(): Promise<ReleaseSummary[]> {
    const records: V1Secret[] = [];
    let next: string | undefined;
    do {
      const page = await this.read('listing helm release records in all namespaces', () =>
        this.core.listSecretForAllNamespaces({ labelSelector: HELM_RECORDS, limit: PAGE, ...(next ? { _continue: next } : {}) }));
      records.push(...page.items);
      next = page.metadata?._continue || undefined;
    } while (next);
    return summarizeReleases(records);
  }

  /** The releases of one namespace, or only the one named. */
  async releasesIn(namespace: string, release?: string): Promise<ReleaseSummary[]> {
    const labelSelector = release ? `${HELM_RECORDS},name=${release}` : HELM_RECORDS;
    const list = await this.read(`listing helm release records in namespace ${namespace}`, () => this.core.listNamespacedSecret({ namespace, labelSelector }));
    return summarizeReleases(list.items);
  }

  async namespaces(): Promise<string[]> {
    const list = await this.read('listing namespaces', () => this.core.listNamespace());
    return list.items.flatMap((ns) => (ns.metadata?.name ? [ns.metadata.name] : []));
  }

  /** Readiness of every Deployment in the namespace, by name. */
  async deployments(namespace: string): Promise<Map<string, DeploymentReadiness>> {
    const list = await this.read(`listing the deployments of namespace ${namespace}`, () => this.apps.listNamespacedDeployment({ namespace }));
    return new Map(list.items.map((d) => {
      const name = d.metadata?.name ?? '';
      return [name, { name, desired: d.spec?.replicas ?? 1, ready: d.status?.readyReplicas ?? 0 }];
    }));
  }
}
