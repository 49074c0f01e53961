// The releases `adopt` reads: every release of the charts zenml-pro and zenml
// the credentials can list (all namespaces at once, or the --namespace ones),
// each at its latest deployed revision. Read-only, through the Kubernetes API.
import { ExitCode, UserError } from '../errors.js';
import type { AdoptRelease } from '../plan/adopt.js';
import { KubeApiError, type KubeApi } from '../tools/kube-api.js';
import type { ReleaseInventory, ReleaseSummary } from '../tools/release-inventory.js';

const CHARTS = new Set(['zenml-pro', 'zenml']);

const denied = (error: unknown): boolean => error instanceof KubeApiError && error.status === 403;

async function listed(inventory: ReleaseInventory, context: string, namespaces: readonly string[]): Promise<ReleaseSummary[]> {
  if (namespaces.length === 0) {
    try {
      return await inventory.allReleases();
    } catch (error) {
      if (!denied(error)) throw error;
      throw new UserError(`context "${context}" may not list Secrets in all namespaces, so its helm releases cannot be found there`, [
        'name the namespaces of the control plane and of each workspace: --namespace NS, once per namespace (e.g. --namespace zenml-pro --namespace zenml-workspace-ml)',
      ], ExitCode.blockedByCheck);
    }
  }
  const found: ReleaseSummary[] = [];
  for (const namespace of namespaces) {
    try {
      found.push(...(await inventory.releasesIn(namespace)));
    } catch (error) {
      if (!denied(error)) throw error;
      throw new UserError(`context "${context}" may not list Secrets in namespace ${namespace}, where helm keeps its release records`, [
        'use credentials that may read Secrets there (adopt changes nothing), or leave that namespace out',
      ], ExitCode.blockedByCheck);
    }
  }
  return found;
}

/**
 * The releases to adopt, each at the revision that last deployed (a failed
 * upgrade's record is the newest, but the release still runs the one before).
 * `say` gets what the operator should know about releases read another way or left out.
 */
export async function adoptableReleases(
  readers: { readonly inventory: ReleaseInventory; readonly api: KubeApi },
  context: string,
  namespaces: readonly string[],
  say: (line: string) => void,
): Promise<AdoptRelease[]> {
  const releases: AdoptRelease[] = [];
  for (const r of (await listed(readers.inventory, context, namespaces)).filter((x) => CHARTS.has(x.chart ?? ''))) {
    const chart = r.chart as AdoptRelease['chart'];
    const base = { chart, release: r.name, namespace: r.namespace };
    if (r.status === 'deployed' && r.chartVersion) {
      releases.push({ ...base, chartVersion: r.chartVersion, values: r.values });
      continue;
    }
    const deployed = (await readers.api.helmHistory(r.name, r.namespace)).filter((h) => h.status === 'deployed' && h.chartVersion).at(-1);
    if (!deployed?.chartVersion) {
      say(`${r.namespace}/${r.name}: no revision of it deployed (the newest, ${r.revision}, is ${r.status}); not adopted`);
      continue;
    }
    say(`${r.namespace}/${r.name}: its newest revision ${r.revision} is ${r.status}; adopted revision ${deployed.revision}, the last that deployed`);
    releases.push({ ...base, chartVersion: deployed.chartVersion, values: deployed.values });
  }
  return releases;
}
