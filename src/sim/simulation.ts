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

export interface SimulationOptions extends Pick<KubeApiOptions, 'timings' | 'faults' | 'version' | 'port'> {
  /** Where kubeconfig, sim.json and ca.crt are written. */
  readonly out: string;
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

export async function startSimulation(options: SimulationOptions): Promise<Simulation> {
  mkdirSync(options.out, { recursive: true, mode: 0o700 });
  // Server names the demo and tests use for hosts, so /health is reachable over verified TLS.
  const certificates = makeCertificates(['*.sim.example.com', 'sim.example.com']);
  const kube = await startKubeApi({ certificates, ...(options.timings ? { timings: options.timings } : {}), ...(options.faults ? { faults: options.faults } : {}), ...(options.version ? { version: options.version } : {}), ...(options.port ? { port: options.port } : {}) });
  const adminPassword = randomBytes(18).toString('base64url');
  let controlPlane: ControlPlaneApi;
  try {
    controlPlane = await startControlPlaneApi({ cert: certificates.cert, key: certificates.key, adminPassword, healthOf: (host) => healthFromCluster(kube, host) });
  } catch (error) {
    await kube.close();
    throw error;
  }
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
