// Wires the simulated controllers to store changes, the way informers drive
// real ones: each change enqueues the objects whose controllers care.
import type { Faults } from '../faults.js';
import { DEPLOYMENT, ENDPOINTS, INGRESS, JOB, NAMESPACE, POD, PVC, REPLICASET, SERVICE, SERVICE_ACCOUNT, type ResourceType } from '../registry.js';
import type { Store, StoreEvent } from '../store.js';
import type { Pod } from '../types.js';
import { controllerOf, Timers, WorkQueue, type ControllerContext, type NodeInfo, type SimTimings } from './context.js';
import { reconcileDeployment } from './deployment.js';
import { EventRecorder } from './events.js';
import { reconcileJob } from './job.js';
import { Kubelet } from './kubelet.js';
import { collectGarbage, finalizeNamespace, namespaceActive } from './namespace.js';
import { reconcileEndpoints, reconcileIngress, reconcileLoadBalancer } from './network.js';
import { reconcileReplicaSet } from './replicaset.js';
import { reconcileClaim } from './storage.js';

export class Controllers {
  readonly kubelet: Kubelet;
  /** Errors thrown inside controllers; a healthy run leaves this empty. */
  readonly errors: unknown[] = [];
  private readonly ctx: ControllerContext;
  private readonly unsubscribe: () => void;

  constructor(store: Store, faults: Faults, timings: SimTimings, nodes: readonly NodeInfo[]) {
    const onError = (error: unknown): void => {
      this.errors.push(error);
    };
    this.ctx = {
      store, faults, timings, nodes, timers: new Timers(onError), queue: new WorkQueue(onError), events: new EventRecorder(store),
    };
    this.kubelet = new Kubelet(this.ctx);
    this.unsubscribe = store.subscribe((event) => this.onChange(event));
  }

  close(): void {
    this.unsubscribe();
    this.ctx.queue.close();
    this.ctx.timers.close();
  }

  /** The service-account controller's job: every namespace gets a `default` ServiceAccount. */
  private defaultServiceAccount(namespace: string): void {
    if (!namespaceActive(this.ctx, namespace) || this.ctx.store.get(SERVICE_ACCOUNT, namespace, 'default')) return;
    this.ctx.store.create(SERVICE_ACCOUNT, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
  }

  private enqueue(type: ResourceType, namespace: string, name: string, work: (ns: string, name: string) => void): void {
    this.ctx.queue.add(`${type.plural}/${namespace}/${name}`, () => work(namespace, name));
  }

  private onChange(event: StoreEvent): void {
    const { object, resource } = event;
    const ns = object.metadata.namespace ?? '';
    const name = object.metadata.name ?? '';
    const ctx = this.ctx;
    const deleted = event.type === 'DELETED';

    if (deleted) this.ctx.queue.add(`gc/${object.metadata.uid ?? ''}`, () => collectGarbage(ctx, object));
    const owner = controllerOf(object);
    if (owner?.kind === 'ReplicaSet') this.enqueue(REPLICASET, ns, owner.name, (n, o) => reconcileReplicaSet(ctx, n, o));
    if (owner?.kind === 'Deployment') this.enqueue(DEPLOYMENT, ns, owner.name, (n, o) => reconcileDeployment(ctx, n, o));
    if (owner?.kind === 'Job') this.enqueue(JOB, ns, owner.name, (n, o) => reconcileJob(ctx, n, o));

    switch (resource) {
      case DEPLOYMENT:
        if (!deleted) this.enqueue(DEPLOYMENT, ns, name, (n, o) => reconcileDeployment(ctx, n, o));
        break;
      case REPLICASET:
        if (!deleted) this.enqueue(REPLICASET, ns, name, (n, o) => reconcileReplicaSet(ctx, n, o));
        break;
      case JOB:
        if (!deleted) this.enqueue(JOB, ns, name, (n, o) => reconcileJob(ctx, n, o));
        break;
      case POD:
        if (event.type === 'ADDED') this.kubelet.start(object as Pod);
        if (deleted) this.kubelet.stop(object);
        this.ctx.queue.add(`endpoints/${ns}`, () => reconcileEndpoints(ctx, ns));
        break;
      case SERVICE:
        if (!deleted) this.enqueue(SERVICE, ns, name, (n, o) => reconcileLoadBalancer(ctx, n, o));
        else this.ctx.queue.add(`endpoints-gone/${ns}/${name}`, () => ctx.store.remove(ENDPOINTS, ns, name));
        this.ctx.queue.add(`endpoints/${ns}`, () => reconcileEndpoints(ctx, ns));
        break;
      case INGRESS:
        if (!deleted) ctx.timers.after(`ingress/${ns}/${name}`, ctx.timings.settleMs, () => reconcileIngress(ctx, ns, name));
        break;
      case PVC:
        if (event.type === 'ADDED') ctx.timers.after(`pvc/${ns}/${name}`, ctx.timings.settleMs, () => reconcileClaim(ctx, ns, name));
        break;
      case NAMESPACE:
        if (event.type === 'ADDED') this.ctx.queue.add(`serviceaccount/${name}`, () => this.defaultServiceAccount(name));
        if (!deleted && object.metadata.deletionTimestamp && !event.previous?.metadata.deletionTimestamp) {
          ctx.timers.after(`namespace/${name}`, ctx.timings.namespaceTerminationMs, () => finalizeNamespace(ctx, name));
        }
        break;
      default:
        break;
    }
  }
}
