// The cluster an uninstall works on: reached, checked to be the one the
// install went to, and read for what the install left there, all before
// anything changes. A cluster that cannot be reached or read blocks (exit 3).
import { describeFailure } from '../engine/failures.js';
import { checkResumeTarget, type ClusterIdentity, type Journal } from '../engine/journal.js';
import { ExitCode, UserError } from '../errors.js';
import { DIGEST_ANNOTATION } from '../plan/manifests.js';
import type { Manifest, Target } from '../plan/steps.js';
import type { Candidates, ClusterState } from '../plan/uninstall-plan.js';
import { Cluster, type ClusterFacts, type Tools } from '../tools/cluster.js';
import { KubeApiError } from '../tools/kube-api.js';
import type { Redactor } from '../tools/redact.js';

export interface OpenedCluster {
  readonly cluster: Cluster;
  readonly identity: ClusterFacts;
  readonly clusterId: ClusterIdentity;
}

/** The outside world's failures block, with what to check; anything else is a bug and stays one. */
function blocked(target: Target, error: unknown): unknown {
  if (describeFailure(error).family !== 'external') return error;
  return new UserError(`cannot read the cluster of context "${target.context}": ${(error as Error).message}`, [
    `check the context, your network or VPN, and your credentials (kubectl --context ${target.context} get ns); nothing was changed`,
  ], ExitCode.blockedByCheck);
}

export async function openCluster(target: Target, tools: Tools, redactor: Redactor): Promise<OpenedCluster> {
  let cluster: Cluster;
  try {
    cluster = new Cluster(target, tools, redactor);
  } catch (error) {
    // A kubeconfig that does not load is the operator's to fix.
    if (error instanceof KubeApiError) throw new UserError(error.message, ['check the file given with --kubeconfig (or $KUBECONFIG) and --context']);
    throw error;
  }
  try {
    const identity = await cluster.identify({});
    return { cluster, identity, clusterId: { context: target.context, server: identity.server, ...(identity.uid ? { uid: identity.uid } : {}) } };
  } catch (error) {
    cluster.close();
    throw blocked(target, error);
  }
}

/** A journal (the install's or an earlier uninstall's) of another cluster stops it: this is not where that install went. */
export function checkJournal(journal: Journal | undefined, here: ClusterIdentity, dir: string): void {
  const refusal = journal ? checkResumeTarget(journal, here, dir) : undefined;
  if (refusal) throw new UserError(refusal, ['pass --context with the context of the install; nothing was changed'], ExitCode.blockedByCheck);
}

/** What the cluster holds of the candidates: releases as helm's records say, objects carrying the installer's annotation, namespaces. */
export async function readCluster(cluster: Cluster, c: Candidates): Promise<ClusterState> {
  const annotations = async (m: Manifest): Promise<Record<string, string> | undefined> => (await cluster.liveAnnotations([m], {}))?.[0];
  try {
    const [releases, objects, namespaces] = await Promise.all([
      Promise.all(c.releases.map(async (r) => {
        const record = await cluster.helmRecord(r.release, r.namespace, {});
        // `uninstalled` is a release kept with --keep-history: gone, as for `helm list`. One left `uninstalling` is not.
        return record && record.status !== 'uninstalled'
          ? [{ id: r.id, status: record.status, revision: record.revision, chart: record.chartName, chartVersion: record.chartVersion }]
          : [];
      })),
      Promise.all(c.objects.map(async (m) => ((await annotations(m))?.[DIGEST_ANNOTATION] !== undefined ? [m] : []))),
      Promise.all(c.namespaces.map(async (name) => ((await annotations({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })) ? [name] : []))),
    ]);
    return { releases: releases.flat(), objects: objects.flat(), namespaces: namespaces.flat() };
  } catch (error) {
    throw blocked(cluster.target, error);
  }
}
