// The whole simulation a demo or an end-to-end test installs into: the
// simulated Kubernetes API (real helm and kubectl talk to it) and the
// simulated ZenML Pro control-plane API, sharing one CA. Workspace and
// control-plane host names answer /health from the simulated cluster's state.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCertificates } from './certs.js';
import { startControlPlaneApi, type ControlPlaneApi } from './control-plane/index.js';
import { startKubeApi, type KubeApi, type KubeApiOptions } from './kube/index.js';
import type { KubeObject } from './kube/index.js';

/** A control plane run elsewhere (as ZenML's SaaS is, for hybrid and workspace-only installs): the simulation's own API answers at this name. */
export const REMOTE_CONTROL_PLANE_HOST = 'cloudapi.sim.example.com';

export interface SimulationOptions extends Pick<KubeApiOptions, 'timings' | 'faults' | 'version' | 'port'> {
  /** Where kubeconfig, sim.json and ca.crt are written. */
  readonly out: string;
  /** More host names its certificate holds (a rehearsal serves the operator's hosts). */
  readonly hostnames?: readonly string[];
}

export interface SimulationInfo {
  readonly kubeApi: string;
  readonly kubeconfig: string;
  readonly context: string;
  readonly caFile: string;
  readonly controlPlane: { readonly url: string; readonly apiUrl: string; readonly adminUsername: string; readonly adminPassword: string };
}

export interface Simulation {
  readonly kube: KubeApi;
  readonly controlPlane: ControlPlaneApi;
  readonly info: SimulationInfo;
  close(): Promise<void>;
}

interface IngressSpec {
  rules?: { host?: string; http?: { paths?: { backend?: { service?: { name?: string } } }[] } }[];
}

/** Where the control-plane release runs: the namespace of the Secret holding its admin password, as its chart writes it. */
function controlPlaneSecret(kube: KubeApi): { namespace: string; adminPassword: string } | undefined {
  for (const secret of kube.list('v1', 'Secret')) {
    const encoded = (secret as KubeObject & { data?: Record<string, string> }).data?.ZENML_CLOUD_ADMIN_PASSWORD;
    if (encoded) return { namespace: secret.metadata.namespace ?? '', adminPassword: Buffer.from(encoded, 'base64').toString('utf8') };
  }
  return undefined;
}

/** Host names the Ingresses of a namespace serve. */
function ingressHosts(kube: KubeApi, namespace: string): string[] {
  return kube
    .list('networking.k8s.io/v1', 'Ingress')
    .filter((i) => i.metadata.namespace === namespace)
    .flatMap((i) => ((i as KubeObject & { spec?: IngressSpec }).spec?.rules ?? []).map((r) => r.host ?? ''));
}

/** Healthy when an Ingress serves the host and every Deployment behind its services is ready. */
function healthFromCluster(kube: KubeApi, host: string): { ok: boolean; detail?: string } | undefined {
  for (const ingress of kube.list('networking.k8s.io/v1', 'Ingress')) {
    const spec = (ingress as KubeObject & { spec?: IngressSpec }).spec;
    const rule = spec?.rules?.find((r) => r.host === host);
    if (!rule) continue;
    const ns = ingress.metadata.namespace;
    const services = new Set((rule.http?.paths ?? []).map((p) => p.backend?.service?.name).filter((n): n is string => Boolean(n)));
    for (const name of services) {
      const d = kube.get('apps/v1', 'Deployment', ns, name);
      if (!d) return { ok: false, detail: `no deployment ${name} behind ${host}` };
      const { spec, status } = d as { spec?: { replicas?: number }; status?: { readyReplicas?: number } };
      if ((status?.readyReplicas ?? 0) < (spec?.replicas ?? 1)) return { ok: false, detail: `${name} is not ready` };
    }
    return { ok: true };
  }
  return undefined;
}

/** The host an Ingress routes to a service. */
function serviceHost(kube: KubeApi, namespace: string, service: string): string | undefined {
  for (const ingress of kube.list('networking.k8s.io/v1', 'Ingress')) {
    if (ingress.metadata.namespace !== namespace) continue;
    const rule = (ingress as KubeObject & { spec?: IngressSpec }).spec?.rules?.find((r) => (r.http?.paths ?? []).some((p) => p.backend?.service?.name === service));
    if (rule?.host) return rule.host;
  }
  return undefined;
}

export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  mkdirSync(options.out, { recursive: true, mode: 0o700 });
  // Server names the demo and tests use for hosts, so /health is reachable over verified TLS.
  const certificates = makeCertificates(['*.sim.example.com', 'sim.example.com', ...(options.hostnames ?? [])]);
  const kube = await startKubeApi({ certificates, ...(options.timings ? { timings: options.timings } : {}), ...(options.faults ? { faults: options.faults } : {}), ...(options.version ? { version: options.version } : {}), ...(options.port ? { port: options.port } : {}) });
  const adminPassword = randomBytes(18).toString('base64url');
  let controlPlane: ControlPlaneApi;
  try {
    controlPlane = await startControlPlaneApi({
      cert: certificates.cert,
      key: certificates.key,
      // The installed control plane's own password once its release is there (the real one reads it from that Secret); before, the simulation's.
      adminPassword: () => controlPlaneSecret(kube)?.adminPassword ?? adminPassword,
      isControlPlaneHost: (host) => {
        const cp = controlPlaneSecret(kube);
        return cp !== undefined && ingressHosts(kube, cp.namespace).includes(host);
      },
      healthOf: (host) => healthFromCluster(kube, host),
      hostnames: [REMOTE_CONTROL_PLANE_HOST],
    });
  } catch (error) {
    await kube.close();
    throw error;
  }
  // Every Ingress is published at the simulation's HTTPS server, which routes by host name as an ingress controller does.
  kube.setIngressAddress({ ip: '127.0.0.1', port: controlPlane.port });
  // What the API server's service proxy reaches: the server behind the service, here its health.
  kube.setServiceProxy(({ namespace, service, path }) => {
    const host = serviceHost(kube, namespace, service);
    const health = host === undefined ? undefined : healthFromCluster(kube, host);
    if (!health || (path !== '/health' && path !== '/ready')) return undefined;
    return health.ok ? { status: 200, body: 'OK' } : { status: 503, body: { detail: health.detail ?? 'not ready' } };
  });
  const kubeconfig = join(options.out, 'kubeconfig');
  const caFile = join(options.out, 'ca.crt');
  kube.writeKubeconfig(kubeconfig);
  writeFileSync(caFile, certificates.caCert, { mode: 0o644 });
  const info: SimulationInfo = {
    kubeApi: kube.url,
    kubeconfig,
    context: 'zenml-sim',
    caFile,
    controlPlane: { url: controlPlane.url, apiUrl: controlPlane.apiUrl, adminUsername: 'admin', adminPassword },
  };
  writeFileSync(join(options.out, 'sim.json'), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  return {
    kube,
    controlPlane,
    info,
    close: async () => {
      await Promise.all([kube.close(), controlPlane.close()]);
    },
  };
}
