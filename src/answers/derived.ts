// Values derived from the answers (defaults that depend on other fields).
// Plain functions so the plan, the render and the wizard agree on them.
import type { Answers, Workspace } from './schema.js';

/** Snapshots (the workload manager) need a workspace server at this version or newer. */
export const SNAPSHOTS_MIN_WORKSPACE_VERSION = '0.90.0';
export const DEFAULT_WORKLOAD_NAMESPACE = 'zenml-workload-manager';
/** The server's authentication threads (chart default), which also need database connections. */
export const AUTH_THREAD_POOL_SIZE = 5;

const ECR_API = '715803424590.dkr.ecr.eu-west-1.amazonaws.com';
const ECR_SERVER = '715803424590.dkr.ecr.eu-central-1.amazonaws.com';
const GAR = 'europe-west3-docker.pkg.dev/zenml-cloud/zenml-pro';

export function workspaceNamespace(w: Pick<Workspace, 'name' | 'namespace'>): string {
  return w.namespace ?? `zenml-workspace-${w.name}`;
}

/** The chart's resource prefix, by its own rule: the release name when it contains `zenml`, else `<release>-zenml` (at most 63 characters). */
export function workspaceFullname(w: Pick<Workspace, 'releaseName'>): string {
  const full = w.releaseName.includes('zenml') ? w.releaseName : `${w.releaseName}-zenml`;
  return full.slice(0, 63).replace(/-+$/, '');
}

/** A chart reference that can only mean a local path (a repository chart such as `zenml/zenml` is left to helm). */
export function isLocalChartRef(ref: string): boolean {
  return !ref.includes('://') && (/^[./~]/.test(ref) || ref.endsWith('.tgz'));
}

/** The chart a workspace installs, and where the answers name it: its own, or the shared one. */
export function workspaceChart(a: Pick<Answers, 'charts' | 'workspaces'>, w: Workspace): { ref: string; path: string } {
  return w.chart ? { ref: w.chart, path: `workspaces[${a.workspaces.indexOf(w)}].chart` } : { ref: a.charts.workspace, path: 'charts.workspace' };
}

export function isPublicChartRef(ref: string): boolean {
  return /^oci:\/\/public\.ecr\.aws\//.test(ref) || /^https?:\/\//.test(ref);
}

/** Whether the installer holds a credential for the control-plane API (automatic enrollment needs one). */
export function hasControlPlaneCredential(a: Pick<Answers, 'scenario' | 'controlPlane' | 'existingControlPlane'>): boolean {
  if (a.scenario === 'self-hosted') return Boolean(a.controlPlane && (a.controlPlane.passwordAuth || a.controlPlane.apiToken));
  return a.existingControlPlane?.apiToken !== undefined;
}

/** As written; else manual when its values are given or no credential is at hand, automatic otherwise. */
export function enrollmentMode(a: Pick<Answers, 'scenario' | 'controlPlane' | 'existingControlPlane'>, w: Pick<Workspace, 'enrollment'>): 'automatic' | 'manual' {
  if (w.enrollment.mode) return w.enrollment.mode;
  const e = w.enrollment;
  if (e.enrollmentKey !== undefined || e.workspaceId !== undefined || e.organizationId !== undefined) return 'manual';
  return hasControlPlaneCredential(a) ? 'automatic' : 'manual';
}

/** The organization a workspace enrolls into automatically, when the answers name one. */
export function enrollmentOrganization(a: Pick<Answers, 'organization'>, w: Pick<Workspace, 'enrollment'>): string | undefined {
  return w.enrollment.organization ?? a.organization?.name;
}

export interface ImageRepositories {
  readonly api: string;
  readonly dashboard: string;
  readonly server: string;
}

/** Image repositories per source: note ECR serves the workspace image from another region. */
export function imageRepositories(images: Answers['images']): ImageRepositories {
  const base =
    images.source === 'zenml-ecr'
      ? { api: `${ECR_API}/zenml-pro-api`, dashboard: `${ECR_API}/zenml-pro-dashboard`, server: `${ECR_SERVER}/zenml-pro-server` }
      : images.source === 'zenml-gar'
        ? { api: `${GAR}/zenml-pro-api`, dashboard: `${GAR}/zenml-pro-dashboard`, server: `${GAR}/zenml-pro-server` }
        : {
            api: `${images.registry ?? ''}/zenml-pro-api`,
            dashboard: `${images.registry ?? ''}/zenml-pro-dashboard`,
            server: `${images.registry ?? ''}/zenml-pro-server`,
          };
  return { ...base, ...images.repositories };
}

/** The registry host a pull secret is for. */
export function registryServer(images: Answers['images']): string {
  if (images.auth.server) return images.auth.server;
  const repo = imageRepositories(images).server;
  return repo.split('/')[0] ?? repo;
}

export function needsPullSecret(images: Answers['images']): boolean {
  return images.auth.method === 'docker-credentials';
}

/** The control-plane API and UI URLs a workspace server talks to (its pro.apiURL / pro.dashboardURL). */
export function proUrls(a: Answers): { apiUrl: string; dashboardUrl: string } {
  if (a.controlPlane) {
    const url = `https://${a.controlPlane.hostname}`;
    return { apiUrl: a.controlPlane.apiUrl ?? `${url}/api/v1`, dashboardUrl: url };
  }
  const existing = a.existingControlPlane;
  const apiUrl = existing?.apiUrl ?? 'https://cloudapi.zenml.io';
  const dashboardUrl =
    existing?.dashboardUrl ?? (apiUrl === 'https://cloudapi.zenml.io' ? 'https://cloud.zenml.io' : apiUrl.replace(/\/api\/v1\/?$/, ''));
  return { apiUrl, dashboardUrl };
}

/** Where the control plane answers /health: the API's own host when it has one. */
export function controlPlaneHealthUrl(cp: Pick<NonNullable<Answers['controlPlane']>, 'hostname' | 'apiUrl'>): string {
  return `${cp.apiUrl ? new URL(cp.apiUrl).origin : `https://${cp.hostname}`}/health`;
}

export function controlPlaneDbPort(db: { type: 'mysql' | 'postgres'; port?: number | undefined }): number {
  return db.port ?? (db.type === 'postgres' ? 5432 : 3306);
}

/** Name of the TLS secret an ingress for `host` uses, in its own namespace. */
export function tlsSecretName(a: Answers, host: string): string {
  return a.cluster.tls.wildcard ? 'zenml-tls' : `zenml-tls-${host.split('.')[0] ?? 'host'}`;
}

/** Whether the installer creates the TLS secret itself (from the certificate files). */
export function installerManagesTls(a: Answers): boolean {
  return a.cluster.tls.provisioning === 'manual';
}
