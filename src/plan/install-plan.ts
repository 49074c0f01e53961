// Answers + rendered values → the ordered install plan. Pure.
import { createHash } from 'node:crypto';
import type { Answers, Workspace } from '../answers/schema.js';
import {
  DEFAULT_WORKLOAD_NAMESPACE,
  controlPlaneHealthUrl,
  enrollmentMode,
  enrollmentOrganization,
  isLocalChartRef,
  installerManagesTls,
  proUrls,
  needsPullSecret,
  registryServer,
  tlsSecretName,
  workspaceFullname,
  workspaceChart,
  workspaceNamespace,
} from '../answers/derived.js';
import type { RenderedRelease } from '../render/render.js';
import { helmArgs, kubectlArgs, shellLine } from '../tools/argv.js';
import { applyArgs, helmUpgradeArgs } from '../tools/commands.js';
import { describeManifest, disruptionBudgetName, namespaceManifest, workloadManagerManifests, workspaceServerServiceAccount } from './manifests.js';
import type { ControlPlaneAccess, Manifest, Plan, ReleaseSpec, Step, Target } from './steps.js';

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

/** Where helm finds a chart: a local one resolved against the answers file, a repository or OCI one as written. */
function chartSource(inputs: PlanInputs, ref: string): { chart: string; localChart: boolean } {
  const localChart = isLocalChartRef(ref);
  return { chart: localChart ? inputs.resolvePath(ref) : ref, localChart };
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
  const apply = (id: string, title: string, needs: readonly string[], manifests: Manifest[], workspace?: string): Step =>
    add({
      id,
      title,
      needs,
      mutates: true,
      commands: [`${kubectl(applyArgs())}   # stdin: ${manifests.map(describeManifest).join(', ')}`],
      action: { type: 'apply', manifests },
      digestOf: manifests,
      ...(workspace ? { workspace } : {}),
    });

  const target = add({
    id: 'target',
    title: `Check the target cluster (context ${inputs.target.context})`,
    needs: [],
    mutates: false,
    // Reads go through the Kubernetes API with the pinned context, not through kubectl.
    commands: [`# Kubernetes API (context ${inputs.target.context}): GET /version, GET /api/v1/namespaces/kube-system, create a SelfSubjectAccessReview (may I create namespaces?)`],
    action: { type: 'check-target' },
    digestOf: inputs.target,
  });

  /** Namespace, pull secret and TLS secret of one component, as one or more steps. */
  const groundwork = (key: string, label: string, namespace: string, hosts: readonly string[], workspace?: string): string[] => {
    namespaces.push(namespace);
    const ns = apply(`namespace:${key}`, `Namespace ${namespace} (${label})`, [target.id], [namespaceManifest(namespace)], workspace);
    const ids = [ns.id];
    if (needsPullSecret(a.images)) {
      const name = a.images.pullSecretName;
      const action = { type: 'pull-secret', namespace, name, server: registryServer(a.images), username: a.images.auth.username ?? '', passwordKey: 'images.auth.password' } as const;
      ids.push(add({
        id: `pull-secret:${key}`,
        title: `Image pull secret ${name} in ${namespace}`,
        needs: [ns.id],
        mutates: true,
        commands: [`${kubectl(applyArgs())}   # stdin: secret/${name} -n ${namespace} (built when the step runs)`],
        action,
        // Keyed digest: a new password re-runs the step, and the digest reveals nothing.
        digestOf: { ...action, password: inputs.secrets.get(action.passwordKey) },
        ...(workspace ? { workspace } : {}),
      }).id);
    }
    if (installerManagesTls(a)) {
      const tls = a.cluster.tls;
      const secrets = new Map<string, { name: string; certFile: string; keyFile: string }>();
      for (const host of hosts) {
        const name = tlsSecretName(a, host);
        const files = tls.wildcard ? { certFile: tls.certFile ?? '', keyFile: tls.keyFile ?? '' } : tls.hosts[host];
        if (!files || secrets.has(name)) continue;
        secrets.set(name, { name, certFile: inputs.resolvePath(files.certFile), keyFile: inputs.resolvePath(files.keyFile) });
      }
      if (secrets.size > 0) {
        const action = { type: 'tls-secret', namespace, secrets: [...secrets.values()] } as const;
        ids.push(add({
          id: `tls:${key}`,
          title: `TLS secret${secrets.size > 1 ? 's' : ''} for ${hosts.join(', ')} in ${namespace}`,
          needs: [ns.id],
          mutates: true,
          commands: [`${kubectl(applyArgs())}   # stdin: ${action.secrets.map((x) => `secret/${x.name} -n ${namespace}`).join(', ')} (from the certificate files, when the step runs)`],
          action,
          digestOf: action,
          ...(workspace ? { workspace } : {}),
        }).id);
      }
    }
    return ids;
  };

  const release = (r: RenderedRelease, spec: Omit<ReleaseSpec, 'valuesFile' | 'valuesDigest' | 'timeoutSeconds' | 'id'>, needs: readonly string[], workspace?: string): Step => {
    const valuesFile = `${inputs.valuesDir}/${r.fileName}`;
    const full: ReleaseSpec = { ...spec, id: r.id, valuesFile, valuesDigest: inputs.digest(canonicalJson(r.values)), timeoutSeconds: HELM_TIMEOUT_SECONDS };
    const args = helmUpgradeArgs(full);
    return add({
      id: `release:${r.id}`,
      title: `Install or upgrade release ${spec.release} (chart ${spec.localChart ? (spec.chart.split('/').pop() ?? spec.chart) : `${spec.chart.split('/').pop() ?? spec.chart} ${spec.version}`}) in ${spec.namespace}`,
      needs,
      mutates: true,
      commands: [helm(args)],
      action: { type: 'helm-release', spec: full },
      digestOf: { spec: full, values: r.values },
      ...(workspace ? { workspace } : {}),
    });
  };

  /** The installer's own disruption budgets, when the release asks for one its chart cannot render. */
  const budget = (r: RenderedRelease, namespace: string, deployments: readonly string[], after: Step, workspace?: string): Step => {
    if (!r.installerBudget) return after;
    const { minAvailable } = r.installerBudget;
    return add({
      id: `disruption-budget:${r.id}`,
      title: `Pod disruption budget (minAvailable ${minAvailable}) for ${deployments.join(', ')} in ${namespace}`,
      needs: [after.id],
      mutates: true,
      commands: [
        ...deployments.map((d) => kubectl(['get', 'deployment', d, '--namespace', namespace, '-o', 'jsonpath={.spec.selector.matchLabels}'])),
        `${kubectl(applyArgs())}   # stdin: ${deployments.map((d) => `poddisruptionbudget/${disruptionBudgetName(d)} -n ${namespace}`).join(', ')} (selector: the deployment's)`,
      ],
      action: { type: 'disruption-budget', namespace, deployments, minAvailable },
      digestOf: { namespace, deployments, minAvailable },
      ...(workspace ? { workspace } : {}),
    });
  };

  const ready = (key: string, label: string, namespace: string, deployments: readonly string[], healthUrl: string, needs: readonly string[], workspace?: string): Step =>
    add({
      id: `ready:${key}`,
      title: `${label} ready and healthy`,
      needs,
      mutates: false,
      commands: [`# Kubernetes API (context ${inputs.target.context}): watch pods, jobs, deployments and events in ${namespace} until ready; then GET ${healthUrl}`],
      action: { type: 'wait-ready', namespace, deployments, healthUrl },
      digestOf: { namespace, deployments, host: new URL(healthUrl).hostname },
      ...(workspace ? { workspace } : {}),
    });

  let cpReady: string | undefined;
  const cp = a.controlPlane;
  const cpRelease = inputs.releases.find((r) => r.id === 'control-plane');
  if (cp && cpRelease) {
    const ground = groundwork('control-plane', 'control plane', cp.namespace, [cp.hostname]);
    const deployments = [cp.releaseName, `${cp.releaseName}-dashboard`];
    const rel = release(cpRelease, { release: cp.releaseName, namespace: cp.namespace, ...chartSource(inputs, a.charts.controlPlane), version: cp.version, deployments }, ground);
    const last = budget(cpRelease, cp.namespace, deployments, rel);
    cpReady = ready('control-plane', 'Control plane', cp.namespace, deployments, controlPlaneHealthUrl(cp), [last.id]).id;
  }

  // The control-plane API, for automatic enrollment and users: reached once the control plane is ready (self-hosted).
  const apiAfter = cpReady ?? target.id;
  const access = controlPlaneAccess(a, cpReady);
  const users = a.scenario === 'self-hosted' ? (a.users ?? []) : [];
  if (users.length > 0) {
    const planned = users.map((u) => ({ username: u.username, ...(u.email ? { email: u.email } : {}), superuser: u.superuser, passwordKey: `users.${u.username}.password` }));
    add({
      id: 'users',
      title: `Users on the control plane: ${planned.map((u) => u.username).join(', ')} (created when missing)`,
      needs: [apiAfter],
      mutates: true,
      commands: planned.map((u) => `# ${access.apiUrl}: GET /users?username=${u.username}; POST /users (${u.superuser ? 'superuser' : 'user'}) when missing`),
      action: { type: 'users', access, users: planned },
      digestOf: { access, planned, passwords: planned.map((u) => inputs.secrets.get(u.passwordKey)) },
    });
  }
  const organizationSteps = new Map<string, string>();
  const organizationStep = (name: string | undefined): string => {
    const id = name ? `organization:${name}` : 'organization';
    if (!organizationSteps.has(id)) {
      add({
        id,
        title: name ? `Organization ${name} on the control plane (found or created)` : 'The control plane\'s organization (its only one, or a new one named default)',
        needs: [apiAfter],
        mutates: true,
        commands: [`# ${access.apiUrl}: GET /organizations; POST /organizations when missing`],
        action: { type: 'organization', access, ...(name ? { name } : {}) },
        digestOf: { access, name },
      });
      organizationSteps.set(id, id);
    }
    return id;
  };

  for (const w of a.workspaces) {
    const r = inputs.releases.find((x) => x.id === `workspace-${w.name}`);
    if (!r) continue;
    const ns = workspaceNamespace(w);
    const fullname = workspaceFullname(w);
    const automatic = enrollmentMode(a, w) === 'automatic';
    const enroll = automatic ? automaticEnrollStep(w, organizationStep(enrollmentOrganization(a, w))) : enrollStep(inputs, w, cpReady);
    if (!automatic) steps.push(enroll);
    const ground = groundwork(w.name, `workspace ${w.name}`, ns, [w.hostname], w.name);
    const wm = workloadManager(w, ns, r.values, apply);
    const rel = release(
      r,
      { release: w.releaseName, namespace: ns, ...chartSource(inputs, workspaceChart(a, w).ref), version: w.version, deployments: [fullname], migrationJob: `${fullname}-db-migration`, ...(automatic ? { enrolledWorkspace: w.name } : {}) },
      [enroll.id, ...ground, ...(wm ? [wm] : [])],
      w.name,
    );
    const last = budget(r, ns, [fullname], rel, w.name);
    ready(w.name, `Workspace ${w.name}`, ns, [fullname], `https://${w.hostname}/health`, [last.id], w.name);
  }

  add({
    id: 'report',
    title: 'Report: URLs, DNS records and how to log in',
    needs: steps.filter((s) => s.id.startsWith('ready:') || s.id === 'users').map((s) => s.id),
    mutates: false,
    commands: [],
    action: { type: 'report' },
    digestOf: 'report',
  });
  return { scenario: a.scenario, target: inputs.target, namespaces, steps };

  function automaticEnrollStep(w: Workspace, organization: string): Step {
    return add({
      id: `enroll:${w.name}`,
      title: `Enrollment of ${w.name} through the control-plane API`,
      needs: [organization],
      mutates: true,
      commands: [`# ${access.apiUrl}: GET /workspaces?workspace_name=${w.name}; POST /workspaces?name=${w.name}&enroll=true (the key is kept in the install directory, 0600)`],
      action: { type: 'enroll-workspace', access, workspace: w.name, organizationStep: organization },
      digestOf: { access, workspace: w.name, organization },
      workspace: w.name,
    });
  }

  function enrollStep(i: PlanInputs, w: Workspace, after: string | undefined): Step {
    const needs = after ? [after] : [target.id];
    const workspaceId = w.enrollment.workspaceId ?? '';
    const organizationId = w.enrollment.organizationId ?? '';
    const index = a.workspaces.indexOf(w);
    const missing = [
      ...(organizationId ? [] : ['organizationId']),
      ...(workspaceId ? [] : ['workspaceId']),
      ...(i.secrets.has(`workspaces.${w.name}.enrollment.enrollmentKey`) ? [] : ['enrollmentKey']),
    ].map((k) => `workspaces[${index}].enrollment.${k}`);
    const waiting = missing.length > 0 ? { missing, instructions: enrollmentInstructions(a, w, index) } : undefined;
    return {
      id: `enroll:${w.name}`,
      title: waiting ? `Enrollment of ${w.name} (manual: waiting for its values)` : `Enrollment of ${w.name} (manual, workspace ${workspaceId})`,
      needs,
      mutates: false,
      commands: [],
      inputsDigest: i.digest(canonicalJson({ workspaceId, organizationId, waiting: missing })),
      action: { type: 'manual-enrollment', workspace: w.name, workspaceId, organizationId, ...(waiting ? { waiting } : {}) },
      workspace: w.name,
    };
  }
}

/** How steps log in to the control-plane API: a token when the answers give one, else the admin account (self-hosted). */
function controlPlaneAccess(a: Answers, cpReady: string | undefined): ControlPlaneAccess {
  const { apiUrl } = proUrls(a);
  const cp = a.controlPlane;
  if (a.scenario === 'self-hosted' && cp) {
    const credential = cp.apiToken ? { kind: 'token', tokenKey: 'controlPlane.apiToken' } as const : { kind: 'password', username: 'admin', passwordKey: 'controlPlane.adminPassword' } as const;
    return { apiUrl, credential, ...(cpReady ? { addressesFrom: cpReady } : {}) };
  }
  return { apiUrl, credential: { kind: 'token', tokenKey: 'existingControlPlane.apiToken' } };
}

/** Where to click and what to copy (or the API call) to enroll a workspace by hand. */
export function enrollmentInstructions(a: Answers, w: Workspace, index: number): string[] {
  const { apiUrl, dashboardUrl } = proUrls(a);
  const cp = a.controlPlane;
  const at = `workspaces[${index}].enrollment`;
  const login = cp
    ? cp.passwordAuth
      ? `log in as admin; the password: kubectl --namespace ${cp.namespace} get secret ${cp.releaseName} -o jsonpath='{.data.ZENML_CLOUD_ADMIN_PASSWORD}' | base64 -d`
      : 'log in with SSO (the first SSO login becomes superuser)'
    : 'log in';
  return [
    `Enroll workspace "${w.name}" in the control plane, then add its values to the answers:`,
    `  1. open ${dashboardUrl} and ${login}`,
    '  2. in your organization: New Workspace → turn on "Enroll Workspace" → name it ' + w.name,
    '  3. copy what it shows once into the answers file:',
    `       ${at}.organizationId: <organization ID>`,
    `       ${at}.organizationName: <organization name>`,
    `       ${at}.workspaceId: <workspace ID>`,
    `       ${at}.enrollmentKey: { fromEnv: ${w.name.toUpperCase().replaceAll('-', '_')}_ENROLLMENT_KEY }   (the key is shown only once; keep it in a secret store)`,
    `  or through the API with a token (Settings → Access Tokens): curl -X POST "${apiUrl}/workspaces?name=${w.name}&enroll=true" -H "Authorization: Bearer $TOKEN"`,
    '     (its answer holds id, organization.id, organization.name and enrollment_key)',
  ];
}

function workloadManager(w: Workspace, serverNamespace: string, serverValues: Readonly<Record<string, unknown>>, apply: (id: string, title: string, needs: readonly string[], manifests: Manifest[], workspace?: string) => Step): string | undefined {
  if (!w.workloadManager.enabled) return undefined;
  const runnerNs = w.workloadManager.namespace ?? DEFAULT_WORKLOAD_NAMESPACE;
  const manifests = workloadManagerManifests(runnerNs, w.workloadManager.serviceAccount, serverNamespace, workspaceServerServiceAccount(w, serverValues));
  return apply(`workload-manager:${w.name}`, `Workload manager: namespace ${runnerNs}, service account and RBAC for ${w.name}`, [`namespace:${w.name}`], manifests, w.name).id;
}

/** The answers cannot be planned (a capability not available yet, or a conflict). */
export class PlanError extends Error {}
