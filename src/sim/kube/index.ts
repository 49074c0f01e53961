// A simulated Kubernetes API server: a test double, in process, that real
// `kubectl` (1.34) and `helm` (3.18, 4.1) talk to through a kubeconfig. It is
// faithful for the calls our install flows make (discovery, OpenAPI stub,
// CRUD, four patch kinds, watches incl. WatchList, protobuf request bodies,
// simulated controllers and kubelet, Events) and lets tests inject the
// failures real clusters show. It runs no containers and is no conformance
// target: see README.md for what is and is not modelled.
import { randomBytes } from 'node:crypto';
import { makeCertificates, type SimCertificates } from '../certs.js';
import { Admission } from './admission.js';
import { DEFAULT_TIMINGS, type NodeInfo, type SimTimings } from './controllers/context.js';
import { Controllers } from './controllers/index.js';
import { setIngressAddress, type IngressAddress } from './controllers/network.js';
import { Faults, type FaultSpec } from './faults.js';
import { kubeconfigYaml, writeKubeconfigFile } from './kubeconfig.js';
import { LogStreams } from './log-follow.js';
import { mustFindKind } from './registry.js';
import { RequestLog } from './request-log.js';
import { ResourceApi } from './resources.js';
import { route, type ServiceProxyHandler, type VersionInfo } from './routes.js';
import { seedCluster } from './seed.js';
import { SimServer } from './server.js';
import { Store } from './store.js';
import { clone, type KubeObject } from './types.js';
import { Watches } from './watch.js';

export type { Fault, FaultSpec } from './faults.js';
export type { RequestLogEntry } from './request-log.js';
export type { SimTimings } from './controllers/context.js';
export type { KubeObject } from './types.js';
export type { IngressAddress } from './controllers/network.js';
export type { ServiceProxyHandler, ServiceProxyRequest } from './routes.js';
export { Faults } from './faults.js';
export { RequestLog } from './request-log.js';

export interface KubeApiOptions {
  /** 0 (default) picks a free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** What /version reports; default v1.34.2. A `serverVersion` fault overrides it at run time. */
  version?: VersionInfo;
  timings?: Partial<SimTimings>;
  /** Number of simulated nodes (default 2). */
  nodes?: number;
  /** IngressClasses to create; the first is the default. Default ['nginx']. */
  ingressClasses?: string[];
  /** StorageClasses to create; the first is the default. Default ['standard']. */
  storageClasses?: string[];
  /** Faults active from the start. */
  faults?: FaultSpec[];
  /** Reuse certificates across simulations (openssl costs ~100 ms per set). */
  certificates?: SimCertificates;
  /** Name of the cluster/user/context in generated kubeconfigs. Default `zenml-sim`. */
  contextName?: string;
}

export interface KubeApi {
  readonly url: string;
  readonly port: number;
  /** PEM of the CA that signed the server certificate. */
  readonly caCert: string;
  /** The bearer token clients must send. */
  readonly token: string;
  kubeconfig(contextName?: string): string;
  /** Writes the kubeconfig with mode 0600 (it holds the token). */
  writeKubeconfig(path: string, contextName?: string): void;
  /** Read an object as stored (a copy), or undefined. */
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Creates an object as a client would (defaults, validation), bypassing HTTP and faults. */
  create(obj: KubeObject): KubeObject;
  /**
   * The address the simulated ingress controller publishes in every ingress
   * it claims (default 192.0.2.10, port 443): e.g. an HTTPS server of the
   * simulation on 127.0.0.1:<port>, so clients can reach hosts through it.
   */
  setIngressAddress(address: IngressAddress): void;
  /** Answers requests through the service proxy once a service has ready endpoints (without one: connection refused). */
  setServiceProxy(handler: ServiceProxyHandler | undefined): void;
  /** The store itself, for what the helpers above do not cover. */
  readonly store: Store;
  readonly faults: Faults;
  readonly requestLog: RequestLog;
  /** Errors thrown inside the simulation (controllers, handlers); a healthy run leaves it empty. */
  readonly errors: readonly unknown[];
  /** Number of open watch streams. */
  readonly openWatches: number;
  /** Number of open `pods/log?follow=true` answers. */
  readonly openLogStreams: number;
  close(): Promise<void>;
}

export async function startKubeApi(options: KubeApiOptions = {}): Promise<KubeApi> {
  const certs = options.certificates ?? makeCertificates();
  const token = randomBytes(24).toString('base64url');
  const version: VersionInfo = options.version ?? { gitVersion: 'v1.34.2' };
  const timings: SimTimings = { ...DEFAULT_TIMINGS, ...(options.timings ?? {}) };
  const nodes: NodeInfo[] = Array.from({ length: options.nodes ?? 2 }, (_, i) => ({ name: `sim-node-${i + 1}`, ip: `172.18.0.${i + 2}` }));
  const contextName = options.contextName ?? 'zenml-sim';

  const store = new Store();
  const faults = new Faults();
  const requestLog = new RequestLog();
  const admission = new Admission(store);
  const controllers = new Controllers(store, faults, timings, nodes);
  const watches = new Watches(store);
  const logStreams = new LogStreams();
  const errors = controllers.errors;
  seedCluster(store, admission, {
    nodes, kubeletVersion: version.gitVersion, ingressClasses: options.ingressClasses ?? ['nginx'], storageClasses: options.storageClasses ?? ['standard'],
  });
  if (options.faults) faults.add(options.faults);

  const resources = new ResourceApi({ store, admission, faults, kubelet: controllers.kubelet, user: `system:serviceaccount:default:${contextName}` });
  let serverAddress = '127.0.0.1:0';
  let serviceProxy: ServiceProxyHandler | undefined;
  const server = new SimServer({
    cert: certs.cert, key: certs.key, token, faults, log: requestLog, watches, logStreams,
    route: (req) => route(req, { resources, store, faults, version, serverAddress, serviceProxy }),
    onError: (error) => errors.push(error),
  });
  let port: number;
  try {
    port = await server.listen(options.port ?? 0);
  } catch (error) {
    controllers.close();
    throw error;
  }
  serverAddress = `127.0.0.1:${port}`;
  const url = `https://127.0.0.1:${port}`;
  const kubeconfig = (name = contextName): string => kubeconfigYaml({ url, caCert: certs.caCert, token, contextName: name });

  return {
    url, port, caCert: certs.caCert, token, store, faults, requestLog, errors,
    get openWatches() {
      return watches.count;
    },
    get openLogStreams() {
      return logStreams.count;
    },
    kubeconfig,
    writeKubeconfig: (path, name) => writeKubeconfigFile(path, kubeconfig(name)),
    get: (apiVersion, kind, namespace, name) => store.get(mustFindKind(apiVersion, kind), namespace, name),
    list: (apiVersion, kind, namespace) => store.list(mustFindKind(apiVersion, kind), namespace),
    create: (obj) => {
      const type = mustFindKind(obj.apiVersion, obj.kind);
      const { object, uid } = admission.admit(type, clone(obj));
      return store.create(type, object, uid);
    },
    setIngressAddress: (address) => setIngressAddress(store, address),
    setServiceProxy: (handler) => {
      serviceProxy = handler;
    },
    close: async () => {
      controllers.close();
      await server.close();
    },
  };
}
