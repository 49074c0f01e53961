// Answers + rendered values → the ordered install plan. Pure.
import { createHash } from 'node:crypto';
import type { Answers, Workspace } from '../answers/schema.js';
import {
  DEFAULT_WORKLOAD_NAMESPACE,
  enrollmentMode,
  installerManagesTls,
  needsPullSecret,
  registryServer,
  tlsSecretName,
  workspaceFullname,
  workspaceNamespace,
} from '../answers/derived.js';
import type { RenderedRelease } from '../render/render.js';
import { helmArgs, kubectlArgs, shellLine } from '../tools/argv.js';
import { applyArgs, canIArgs, clusterUidArgs, helmUpgradeArgs, snapshotArgs, versionArgs } from '../tools/commands.js';
import { describeManifest, namespaceManifest, pullSecretManifest, tlsSecretManifest, withDigest, workloadManagerManifests } from './manifests.js';
import type { Manifest, Plan, ReleaseSpec, Step, Target } from './steps.js';

export const HELM_TIMEOUT_SECONDS = 600;

export interface PlanInputs {
  readonly answers: Answers;
  readonly releases: readonly RenderedRelease[];
  readonly secrets: ReadonlyMap<string, string>;
  readonly target: Target;
  /** Where values files are written (<dir>/values). */
  readonly valuesDir: string;
  /** Resolves chart references and file paths written in the answers. */
  readonly resolvePath: (p: string) => string;
  /** Reads a file named in the answers (certificates). */
  readonly readFile: (p: string) => string;
  /** Keyed digest (HMAC) so digests of secret material reveal nothing. */
  readonly digest: (data: string) => string;
}

/** Canonical JSON: keys sorted, so equal values give equal digests. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function chartRef(inputs: PlanInputs, ref: string): string {
  return ref.includes('://') ? ref : inputs.resolvePath(ref);
}

export function buildInstallPlan(inputs: PlanInputs): Plan {
  const a = inputs.answers;
  const steps: Step[] = [];
  const namespaces: string[] = [];
  const kubectl = (args: readonly string[]): string => shellLine('kubectl', kubectlArgs(inputs.target, args));
  const helm = (args: readonly string[]): string => shellLine('helm', helmArgs(inputs.target, args));

  const add = (step: Omit<Step, 'inputsDigest'> & { digestOf: unknown }): Step => {
    const { digestOf, ...rest } = step;
    const full: Step = { ...rest, inputsDigest: inputs.digest(canonicalJson(digestOf)) };
    steps.push(full);
    return full;
  };
  const apply = (id: string, title: string, needs: readonly string[], manifests: Manifest[], workspace?: string): Step => {
    const digest = inputs.digest(canonicalJson(manifests));
    return add({
      id,
      title,
      needs,
      mutates: true,
      commands: [`${kubectl(applyArgs())}   # stdin: ${manifests.map(describeManifest).join(', ')}`],
      action: { type: 'apply', manifests: withDigest(manifests, digest) },
      digestOf: manifests,
      ...(workspace ? { workspace } : {}),
    });
  };

  const target = add({
    id: 'target',
    title: `Check the target cluster (context ${inputs.target.context})`,
    needs: [],
    mutates: false,
    commands: [kubectl(versionArgs()), kubectl(['config', 'view', '--minify', '-o', 'json']), kubectl(clusterUidArgs()), kubectl(canIArgs('create', 'namespaces'))],
    action: { type: 'check-target' },
    digestOf: inputs.target,
  });

  /** Namespace, pull secret and TLS secret of one component, as one or more steps. */
  const groundwork = (key: string, label: string, namespace: string, hosts: readonly string[], workspace?: string): string[] => {
    namespaces.push(namespace);
    const ns = apply(`namespace:${key}`, `Namespace ${namespace} (${label})`, [target.id], [namespaceManifest(namespace)], workspace);
    const ids = [ns.id];
    if (needsPullSecret(a.images)) {
      const password = inputs.secrets.get('images.auth.password') ?? '';
      const secret = pullSecretManifest(namespace, a.images.pullSecretName, registryServer(a.images), a.images.auth.username ?? '', password);
      ids.push(apply(`pull-secret:${key}`, `Image pull secret ${a.images.pullSecretName} in ${namespace}`, [ns.id], [secret], workspace).id);
    }
    if (installerManagesTls(a)) {
      const tls = a.cluster.tls;
      const manifests = new Map<string, Manifest>();
      for (const host of hosts) {
        const name = tlsSecretName(a, host);
        const files = tls.wildcard ? { certFile: tls.certFile ?? '', keyFile: tls.keyFile ?? '' } : tls.hosts[host];
        if (!files || manifests.has(name)) continue;
        manifests.set(name, tlsSecretManifest(namespace, name, inputs.readFile(files.certFile), inputs.readFile(files.keyFile)));
      }
      if (manifests.size > 0) ids.push(apply(`tls:${key}`, `TLS secret${manifests.size > 1 ? 's' : ''} for ${hosts.join(', ')} in ${namespace}`, [ns.id], [...manifests.values()], workspace).id);
    }
    return ids;
  };

  const release = (r: RenderedRelease, spec: Omit<ReleaseSpec, 'valuesFile' | 'valuesDigest' | 'timeoutSeconds' | 'id'>, needs: readonly string[], workspace?: string): Step => {
    const valuesFile = `${inputs.valuesDir}/${r.fileName}`;
    const full: ReleaseSpec = { ...spec, id: r.id, valuesFile, valuesDigest: sha256(canonicalJson(r.values)), timeoutSeconds: HELM_TIMEOUT_SECONDS };
    const args = helmUpgradeArgs(full);
    return add({
      id: `release:${r.id}`,
      title: `Install or upgrade release ${spec.release} (chart ${spec.chart.includes('://') ? `${spec.chart.split('/').pop() ?? spec.chart} ${spec.version}` : (spec.chart.split('/').pop() ?? spec.chart)}) in ${spec.namespace}`,
      needs,
      mutates: true,
      commands: [helm(args)],
      action: { type: 'helm-release', spec: full },
      digestOf: { spec: full, values: r.values },
      ...(workspace ? { workspace } : {}),
    });
  };

  const ready = (key: string, label: string, namespace: string, deployments: readonly string[], host: string, needs: readonly string[], workspace?: string): Step =>
    add({
      id: `ready:${key}`,
      title: `${label} ready and healthy`,
      needs,
      mutates: false,
      commands: [kubectl(snapshotArgs(namespace))],
      action: { type: 'wait-ready', namespace, deployments, healthUrl: `https://${host}/health` },
      digestOf: { namespace, deployments, host },
      ...(workspace ? { workspace } : {}),
    });

  let cpReady: string | undefined;
  const cp = a.controlPlane;
  const cpRelease = inputs.releases.find((r) => r.id === 'control-plane');
  if (cp && cpRelease) {
    const ground = groundwork('control-plane', 'control plane', cp.namespace, [cp.hostname]);
    const deployments = [cp.releaseName, `${cp.releaseName}-dashboard`];
    const rel = release(cpRelease, { release: cp.releaseName, namespace: cp.namespace, chart: chartRef(inputs, a.charts.controlPlane), version: cp.version, deployments }, ground);
    cpReady = ready('control-plane', 'Control plane', cp.namespace, deployments, cp.hostname, [rel.id]).id;
  }

  for (const w of a.workspaces) {
    const r = inputs.releases.find((x) => x.id === `workspace-${w.name}`);
    if (!r) continue;
    const ns = workspaceNamespace(w);
    const fullname = workspaceFullname(w);
    const enroll = enrollStep(inputs, w, cpReady);
    steps.push(enroll);
    const ground = groundwork(w.name, `workspace ${w.name}`, ns, [w.hostname], w.name);
    const wm = workloadManager(w, ns, apply);
    const rel = release(
      r,
      { release: w.releaseName, namespace: ns, chart: chartRef(inputs, a.charts.workspace), version: w.version, deployments: [fullname], migrationJob: `${fullname}-db-migration` },
      [enroll.id, ...ground, ...(wm ? [wm] : [])],
      w.name,
    );
    ready(w.name, `Workspace ${w.name}`, ns, [fullname], w.hostname, [rel.id], w.name);
  }

  add({
    id: 'report',
    title: 'Report: URLs, DNS records and how to log in',
    needs: steps.filter((s) => s.id.startsWith('ready:')).map((s) => s.id),
    mutates: false,
    commands: [],
    action: { type: 'report' },
    digestOf: 'report',
  });
  return { scenario: a.scenario, target: inputs.target, namespaces, steps };

  function enrollStep(i: PlanInputs, w: Workspace, after: string | undefined): Step {
    const mode = enrollmentMode(a, w);
    const needs = after ? [after] : [target.id];
    if (mode === 'manual') {
      const workspaceId = w.enrollment.workspaceId ?? '';
      const organizationId = w.enrollment.organizationId ?? '';
      return {
        id: `enroll:${w.name}`,
        title: `Enrollment of ${w.name} (manual, workspace ${workspaceId})`,
        needs,
        mutates: false,
        commands: [],
        inputsDigest: i.digest(canonicalJson({ workspaceId, organizationId })),
        action: { type: 'manual-enrollment', workspace: w.name, workspaceId, organizationId },
        workspace: w.name,
      };
    }
    throw new PlanError(`workspaces ${w.name}: automatic enrollment is not available in this version of the installer; enroll it in the control plane UI (Organization → New Workspace → Enroll Workspace) and set enrollment.mode: manual with the values it shows`);
  }
}

function workloadManager(w: Workspace, serverNamespace: string, apply: (id: string, title: string, needs: readonly string[], manifests: Manifest[], workspace?: string) => Step): string | undefined {
  if (!w.workloadManager.enabled) return undefined;
  const runnerNs = w.workloadManager.namespace ?? DEFAULT_WORKLOAD_NAMESPACE;
  const manifests = workloadManagerManifests(runnerNs, w.workloadManager.serviceAccount, serverNamespace, 'zenml');
  return apply(`workload-manager:${w.name}`, `Workload manager: namespace ${runnerNs}, service account and RBAC for ${w.name}`, [`namespace:${w.name}`], manifests, w.name).id;
}

/** The answers cannot be planned (a capability not available yet, or a conflict). */
export class PlanError extends Error {}
