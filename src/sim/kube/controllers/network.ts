// Services (LoadBalancer address), Endpoints (ready pod IPs behind a selector)
// and Ingress status (an address once an ingress class claims it).
import { isDeepStrictEqual } from 'node:util';
import { ENDPOINTS, INGRESS, INGRESS_CLASS, POD, SERVICE } from '../registry.js';
import { matchesSelector } from '../selectors.js';
import type { Store } from '../store.js';
import type { KubeObject, Pod, Service } from '../types.js';
import { conditionIs, type ControllerContext } from './context.js';
import { namespaceActive } from './namespace.js';

export const LOAD_BALANCER_IP = '192.0.2.10';

/** What the simulated ingress controller publishes: its load balancer's IP and, when given, the port it listens on. */
export interface IngressAddress {
  readonly ip: string;
  readonly port?: number;
}

// The address is the whole simulated cluster's (its one ingress controller),
// not any object's: kept per store, so simulations in one process stay apart.
const published = new WeakMap<Store, IngressAddress>();

export function reconcileLoadBalancer(ctx: ControllerContext, namespace: string, name: string): void {
  const svc = ctx.store.get(SERVICE, namespace, name) as Service | undefined;
  if (!svc || svc.spec.type !== 'LoadBalancer' || (svc.status?.loadBalancer?.ingress ?? []).length > 0) return;
  ctx.store.replace(SERVICE, { ...svc, status: { loadBalancer: { ingress: [{ ip: LOAD_BALANCER_IP }] } } });
  ctx.events.record(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', { component: 'service-controller' });
}

export function reconcileEndpoints(ctx: ControllerContext, namespace: string): void {
  if (!namespaceActive(ctx, namespace)) return;
  const pods = ctx.store.list(POD, namespace) as Pod[];
  for (const svc of ctx.store.list(SERVICE, namespace) as Service[]) {
    const selector = svc.spec.selector;
    if (!selector || Object.keys(selector).length === 0) continue;
    const matching = pods.filter((p) => p.status?.podIP && matchesSelector({ matchLabels: selector }, p.metadata.labels));
    const address = (p: Pod): Record<string, unknown> => ({
      ip: p.status?.podIP ?? '', nodeName: p.spec.nodeName ?? '',
      targetRef: { kind: 'Pod', namespace, name: p.metadata.name ?? '', uid: p.metadata.uid ?? '' },
    });
    const ready = matching.filter((p) => conditionIs(p.status?.conditions, 'Ready', 'True')).map(address);
    const notReady = matching.filter((p) => !conditionIs(p.status?.conditions, 'Ready', 'True')).map(address);
    const ports = (svc.spec.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}), port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol ?? 'TCP',
    }));
    const subsets = matching.length === 0 ? [] : [{
      ...(ready.length > 0 ? { addresses: ready } : {}), ...(notReady.length > 0 ? { notReadyAddresses: notReady } : {}), ports,
    }];
    const name = svc.metadata.name ?? '';
    const live = ctx.store.get(ENDPOINTS, namespace, name);
    const next: KubeObject = {
      apiVersion: 'v1', kind: 'Endpoints',
      metadata: { ...(live?.metadata ?? {}), name, namespace, labels: { ...(svc.metadata.labels ?? {}) } },
      subsets,
    };
    if (!live) ctx.store.create(ENDPOINTS, next);
    else if (!isDeepStrictEqual(live.subsets, subsets) || !isDeepStrictEqual(live.metadata.labels, next.metadata.labels)) ctx.store.replace(ENDPOINTS, next);
  }
}

interface IngressObject extends KubeObject {
  spec: { ingressClassName?: string };
  status?: { loadBalancer?: { ingress?: unknown[] } };
}

/** status.loadBalancer as a real controller writes it; `ports` (PortStatus) only when a port is given. */
function loadBalancerStatus(address: IngressAddress): { ingress: unknown[] } {
  return { ingress: [{ ip: address.ip, ...(address.port !== undefined ? { ports: [{ port: address.port, protocol: 'TCP' }] } : {}) }] };
}

/** Writes the published address into an ingress the cluster's ingress class claims; a status already right is left alone. */
function publishTo(store: Store, namespace: string, name: string): void {
  const ing = store.get(INGRESS, namespace, name) as IngressObject | undefined;
  if (!ing) return;
  const classes = store.list(INGRESS_CLASS);
  const className = ing.spec.ingressClassName;
  const claimed = className !== undefined
    ? classes.some((c) => c.metadata.name === className)
    : classes.some((c) => c.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true');
  if (!claimed) return;
  const loadBalancer = loadBalancerStatus(published.get(store) ?? { ip: LOAD_BALANCER_IP });
  if (isDeepStrictEqual(ing.status?.loadBalancer, loadBalancer)) return;
  store.replace(INGRESS, { ...ing, status: { loadBalancer } });
}

export function reconcileIngress(ctx: ControllerContext, namespace: string, name: string): void {
  publishTo(ctx.store, namespace, name);
}

/**
 * Points the simulated ingress controller at another address, as when its
 * load balancer changes: every claimed ingress, present and future, reports it.
 */
export function setIngressAddress(store: Store, address: IngressAddress): void {
  published.set(store, address);
  for (const ing of store.list(INGRESS)) publishTo(store, ing.metadata.namespace ?? '', ing.metadata.name ?? '');
}
