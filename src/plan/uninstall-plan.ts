// What `uninstall` removes and what it keeps, and the steps that remove it,
// from the answers, the install journal's record of the namespaces it created
// and what was read from the cluster. Pure.
//
// The candidates are what an install of these answers applies, named the way
// install-plan.ts names them (test/unit/uninstall-plan.test.ts checks the two
// agree); only those found carrying the installer's digest annotation are
// removed. A namespace is removed only when the install journal says the
// installer created it: the annotation cannot tell, as applying marks a
// namespace that was already there too.
import type { Answers } from '../answers/schema.js';
import {
  DEFAULT_WORKLOAD_NAMESPACE, installerManagesTls, needsPullSecret, proUrls, tlsSecretName, workspaceFullname, workspaceNamespace,
} from '../answers/derived.js';
import { helmArgs, kubectlArgs, shellLine } from '../tools/argv.js';
import { deleteNamespaceArgs, deleteObjectsArgs, helmUninstallArgs, resourceName } from '../tools/commands.js';
import { canonicalJson, HELM_TIMEOUT_SECONDS, sha256 } from './install-plan.js';
import { disruptionBudgetName, workloadManagerManifests } from './manifests.js';
import type { ActionOf, Manifest, Step, Target } from './steps.js';

/** A release an install of these answers makes. */
export interface ReleaseCandidate {
  /** `control-plane` or `workspace-<name>`, as the install names its releases. */
  readonly id: string;
  /** `control plane` or `workspace <name>`. */
  readonly component: string;
  readonly release: string;
  readonly namespace: string;
  /** The chart these answers install: a release of another chart under the same name is not this install's. */
  readonly chart: 'zenml-pro' | 'zenml';
  readonly workspace?: string;
}

export interface Candidates {
  /** Workspaces first, then the control plane: the order they are removed in. */
  readonly releases: readonly ReleaseCandidate[];
  /** Objects the installer applies, namespaces apart, each named as in its manifest (no data). */
  readonly objects: readonly Manifest[];
  readonly namespaces: readonly string[];
}

const ref = (apiVersion: string, kind: string, name: string, namespace: string): Manifest => ({ apiVersion, kind, metadata: { name, namespace } });

/** Everything an install of these answers may have put on the cluster. */
export function uninstallCandidates(a: Answers): Candidates {
  const releases: ReleaseCandidate[] = [];
  const objects = new Map<string, Manifest>();
  const namespaces = new Set<string>();
  const object = (m: Manifest): void => {
    objects.set(`${m.apiVersion} ${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`, ref(m.apiVersion, m.kind, m.metadata.name, m.metadata.namespace ?? ''));
  };
  /** What install-plan.ts's groundwork and budget steps apply for one component. */
  const component = (namespace: string, hosts: readonly string[], deployments: readonly string[]): void => {
    namespaces.add(namespace);
    if (needsPullSecret(a.images)) object(ref('v1', 'Secret', a.images.pullSecretName, namespace));
    if (installerManagesTls(a)) for (const host of hosts) object(ref('v1', 'Secret', tlsSecretName(a, host), namespace));
    // Applied only when the chart cannot render the budget; one the chart made carries no digest annotation and is helm's.
    for (const d of deployments) object(ref('policy/v1', 'PodDisruptionBudget', disruptionBudgetName(d), namespace));
  };

  for (const w of a.workspaces) {
    const namespace = workspaceNamespace(w);
    releases.push({ id: `workspace-${w.name}`, component: `workspace ${w.name}`, release: w.releaseName, namespace, chart: 'zenml', workspace: w.name });
    component(namespace, [w.hostname], [workspaceFullname(w)]);
    if (w.workloadManager.enabled) {
      // The names do not depend on the server's service account (only the binding's subject does), so none is given.
      for (const m of workloadManagerManifests(w.workloadManager.namespace ?? DEFAULT_WORKLOAD_NAMESPACE, w.workloadManager.serviceAccount, namespace, '')) {
        if (m.kind === 'Namespace') namespaces.add(m.metadata.name);
        else object(m);
      }
    }
  }
  const cp = a.controlPlane;
  if (cp) {
    releases.push({ id: 'control-plane', component: 'control plane', release: cp.releaseName, namespace: cp.namespace, chart: 'zenml-pro' });
    component(cp.namespace, [cp.hostname], [cp.releaseName, `${cp.releaseName}-dashboard`]);
  }
  return { releases, objects: [...objects.values()], namespaces: [...namespaces] };
}

/** The latest record of a candidate release, as read from the cluster (one that helm says is uninstalled is not found). */
export interface FoundRelease {
  readonly id: string;
  readonly status: string;
  readonly revision: number;
  readonly chart: string | undefined;
  readonly chartVersion: string | undefined;
}

/** What the cluster holds of the candidates, read before anything changes. */
export interface ClusterState {
  readonly releases: readonly FoundRelease[];
  /** Candidate objects that exist and carry the installer's digest annotation. */
  readonly objects: readonly Manifest[];
  /** Candidate namespaces that exist. */
  readonly namespaces: readonly string[];
}

/**
 * Namespace → whether the installer created it, from the `namespace` and
 * `created` outputs its apply steps journal (steps/apply.ts). A namespace two
 * steps apply counts as created when either created it.
 */
export function namespaceRecords(steps: Readonly<Record<string, { readonly outputs: Readonly<Record<string, string>> }>>): ReadonlyMap<string, boolean> {
  const created = new Map<string, boolean>();
  for (const { outputs } of Object.values(steps)) {
    if (outputs.namespace === undefined || (outputs.created !== 'yes' && outputs.created !== 'no')) continue;
    created.set(outputs.namespace, created.get(outputs.namespace) === true || outputs.created === 'yes');
  }
  return created;
}

export type UninstallAction = ActionOf<'uninstall-release'> | ActionOf<'delete-objects'> | ActionOf<'delete-namespace'>;

/** A step of an uninstall: an install Step with one of the uninstall's actions. */
export type UninstallStep = Omit<Step, 'action'> & { readonly action: UninstallAction };

export interface ListedRelease {
  readonly component: string;
  readonly namespace: string;
  readonly release: string;
  readonly revision: number;
  readonly status: string;
  readonly chart: string;
  readonly chartVersion: string | null;
}

export interface ListedObject {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface Kept {
  readonly what: 'release' | 'namespace' | 'database' | 'enrollment' | 'generated-secrets' | 'install-dir';
  readonly name: string;
  readonly reason: string;
}

export interface UninstallPlan {
  readonly remove: {
    readonly releases: readonly ListedRelease[];
    readonly objects: readonly ListedObject[];
    readonly namespaces: readonly string[];
    /** Set with --delete-install-dir: removed once everything else is. */
    readonly installDir?: string;
  };
  readonly keep: readonly Kept[];
  readonly steps: readonly UninstallStep[];
}

export interface UninstallInputs {
  readonly answers: Answers;
  readonly target: Target;
  readonly found: ClusterState;
  /** From the install journal (namespaceRecords); undefined when the install directory has none. */
  readonly created: ReadonlyMap<string, boolean> | undefined;
  readonly installDir: string;
  /** The generated-secrets.yaml of the install directory, when it has one. */
  readonly generatedSecrets: string | undefined;
  readonly deleteInstallDir: boolean;
}

function keptNamespace(namespace: string, created: ReadonlyMap<string, boolean> | undefined, i: UninstallInputs): Kept {
  if (created?.get(namespace) === false) {
    return { what: 'namespace', name: namespace, reason: 'it existed before the install: kept, with everything in it the installer did not apply' };
  }
  const yourself = shellLine('kubectl', kubectlArgs(i.target, ['delete', 'namespace', namespace]));
  const why = created === undefined
    ? `no install journal in ${i.installDir} says the installer created it`
    : 'the install journal does not record that the installer created it (an install made before the installer recorded it, or its namespace step never finished)';
  return { what: 'namespace', name: namespace, reason: `${why}: kept; if nothing else uses it, delete it yourself: ${yourself}` };
}

export function buildUninstallPlan(i: UninstallInputs): UninstallPlan {
  const a = i.answers;
  const candidates = uninstallCandidates(a);
  const keep: Kept[] = [];
  const steps: UninstallStep[] = [];
  const add = (s: Omit<UninstallStep, 'inputsDigest' | 'mutates'>): string => {
    steps.push({ ...s, mutates: true, inputsDigest: sha256(canonicalJson(s.action)) });
    return s.id;
  };
  const helm = (args: readonly string[]): string => shellLine('helm', helmArgs(i.target, args));
  const kubectl = (args: readonly string[]): string => shellLine('kubectl', kubectlArgs(i.target, args));

  const releases: ListedRelease[] = [];
  const workspaceSteps: string[] = [];
  const releaseSteps: string[] = [];
  for (const c of candidates.releases) {
    const found = i.found.releases.find((r) => r.id === c.id);
    if (!found) continue;
    if (found.chart !== c.chart) {
      keep.push({ what: 'release', name: `${c.namespace}/${c.release}`, reason: `its chart is ${found.chart ?? 'unknown'}, not ${c.chart}: not a release these answers install` });
      continue;
    }
    releases.push({ component: c.component, namespace: c.namespace, release: c.release, revision: found.revision, status: found.status, chart: c.chart, chartVersion: found.chartVersion ?? null });
    const action = { type: 'uninstall-release', release: c.release, namespace: c.namespace, timeoutSeconds: HELM_TIMEOUT_SECONDS } as const;
    const id = add({
      id: `release:${c.id}`,
      title: `Uninstall release ${c.release} (${c.component}) in ${c.namespace}`,
      // The workspaces first: each reports to the control plane until it stops.
      needs: c.workspace ? [] : [...workspaceSteps],
      commands: [helm(helmUninstallArgs(c.release, c.namespace, HELM_TIMEOUT_SECONDS))],
      action,
      ...(c.workspace ? { workspace: c.workspace } : {}),
    });
    releaseSteps.push(id);
    if (c.workspace) workspaceSteps.push(id);
  }

  const objectSteps: string[] = [];
  const byNamespace = new Map<string, Manifest[]>();
  for (const o of i.found.objects) {
    const ns = o.metadata.namespace ?? '';
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), o]);
  }
  for (const [namespace, objects] of byNamespace) {
    objectSteps.push(add({
      id: `objects:${namespace}`,
      title: `Delete what the installer applied in ${namespace}: ${objects.map(resourceName).join(', ')}`,
      needs: [...releaseSteps],
      commands: [kubectl(deleteObjectsArgs(namespace, objects))],
      action: { type: 'delete-objects', namespace, objects },
    }));
  }

  const namespaces: string[] = [];
  for (const namespace of candidates.namespaces) {
    if (!i.found.namespaces.includes(namespace)) continue;
    if (i.created?.get(namespace) !== true) {
      keep.push(keptNamespace(namespace, i.created, i));
      continue;
    }
    namespaces.push(namespace);
    add({
      id: `namespace:${namespace}`,
      title: `Delete namespace ${namespace} (the installer created it)`,
      needs: [...releaseSteps, ...objectSteps],
      commands: [kubectl(deleteNamespaceArgs(namespace)), `# Kubernetes API (context ${i.target.context}): GET /api/v1/namespaces/${namespace} until it is gone`],
      action: { type: 'delete-namespace', namespace },
    });
  }

  const external = 'external: the installer never changes databases; drop it yourself once nothing needs its data';
  if (a.controlPlane) keep.push({ what: 'database', name: `${a.controlPlane.database.name} on ${a.controlPlane.database.host} (control plane)`, reason: external });
  for (const w of a.workspaces) keep.push({ what: 'database', name: `${w.database.name} on ${w.database.host} (workspace ${w.name})`, reason: external });
  if (!a.controlPlane) {
    const { dashboardUrl } = proUrls(a);
    for (const r of releases) {
      if (r.component === 'control plane') continue;
      keep.push({ what: 'enrollment', name: r.component, reason: `stays enrolled in the control plane at ${dashboardUrl}; delete it there if it is gone for good` });
    }
  }
  if (!i.deleteInstallDir) {
    if (i.generatedSecrets) {
      keep.push({ what: 'generated-secrets', name: i.generatedSecrets, reason: 'the encryption keys the kept databases need and the passwords the installer generated; back it up' });
    }
    keep.push({ what: 'install-dir', name: i.installDir, reason: 'answers copy, values (0600: they hold secrets), journals and logs; pass --delete-install-dir to remove it' });
  }

  const objects = i.found.objects.map((o) => ({ kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name }));
  return {
    remove: { releases, objects, namespaces, ...(i.deleteInstallDir ? { installDir: i.installDir } : {}) },
    keep,
    steps,
  };
}
