// Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`),
// which `kubectl get` and `helm status` use for their columns. The columns
// follow the real printers for the kinds our flows show; other kinds get
// NAME and AGE, as kubectl shows for a server without a printer.
import type { ResourceType } from './registry.js';
import { isObject, type CoreEvent, type Deployment, type Job, type KubeObject, type Pod, type ReplicaSet, type Service } from './types.js';

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}

interface Column { name: string; type: string; format?: string; priority?: number; description?: string }

/** kubectl's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

function age(timestamp: string | undefined): string {
  return timestamp ? humanDuration(Date.now() - Date.parse(timestamp)) : '<unknown>';
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name' };
const AGE: Column = { name: 'Age', type: 'string' };

function podStatus(pod: Pod): string {
  const status = pod.status ?? {};
  let reason = status.reason ?? status.phase ?? 'Unknown';
  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  for (const [i, c] of inits.entries()) {
    const t = c.state.terminated;
    if (t && t.exitCode === 0) continue;
    if (t) reason = `Init:${t.reason || `ExitCode:${t.exitCode}`}`;
    else if (c.state.waiting && c.state.waiting.reason !== 'PodInitializing') reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${pod.spec.initContainers?.length ?? inits.length}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...(status.containerStatuses ?? [])].reverse()) {
      if (c.state.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state.terminated) reason = c.state.terminated.reason || `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) reason = 'Running';
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function podRow(pod: Pod): unknown[] {
  const statuses = pod.status?.containerStatuses ?? [];
  const ready = statuses.filter((c) => c.ready).length;
  const restarts = statuses.reduce((n, c) => n + c.restartCount, 0);
  const lastRestart = statuses.map((c) => c.lastState.terminated?.finishedAt).filter((t): t is string => t !== undefined).sort().at(-1);
  const restartCell = restarts > 0 && lastRestart ? `${restarts} (${age(lastRestart)} ago)` : String(restarts);
  return [pod.metadata.name, `${ready}/${pod.spec.containers.length}`, podStatus(pod), restartCell, age(pod.metadata.creationTimestamp),
    pod.status?.podIP ?? '<none>', pod.spec.nodeName ?? '<none>', '<none>', '<none>'];
}

function serviceRow(svc: Service): unknown[] {
  const type = svc.spec.type ?? 'ClusterIP';
  const lb = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname).join(',');
  const external = type === 'LoadBalancer' ? (lb || '<pending>') : '<none>';
  const ports = (svc.spec.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
  const selector = Object.entries(svc.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>';
  return [svc.metadata.name, type, svc.spec.clusterIP ?? '<none>', external, ports, age(svc.metadata.creationTimestamp), selector];
}

function jobRow(job: Job): unknown[] {
  const conds = job.status?.conditions ?? [];
  const has = (t: string): boolean => conds.some((c) => c.type === t && c.status === 'True');
  const status = has('Complete') ? 'Complete' : has('Failed') ? 'Failed' : job.spec.suspend === true ? 'Suspended' : 'Running';
  const start = job.status?.startTime;
  const end = job.status?.completionTime;
  const duration = start ? humanDuration((end ? Date.parse(end) : Date.now()) - Date.parse(start)) : '';
  return [job.metadata.name, status, `${job.status?.succeeded ?? 0}/${job.spec.completions ?? 1}`, duration, age(job.metadata.creationTimestamp)];
}

function eventRow(ev: CoreEvent): unknown[] {
  const obj = `${ev.involvedObject.kind.toLowerCase()}/${ev.involvedObject.name}`;
  const count = ev.count > 1 ? ` (x${ev.count} over ${age(ev.firstTimestamp)})` : '';
  return [`${age(ev.lastTimestamp)}${count}`, ev.type, ev.reason, obj, ev.message];
}

function printer(type: ResourceType): { columns: Column[]; row: (obj: KubeObject) => unknown[] } {
  const s = (name: string, priority = 0): Column => ({ name, type: 'string', ...(priority ? { priority } : {}) });
  switch (type.kind) {
    case 'Pod':
      return { columns: [NAME, s('Ready'), s('Status'), s('Restarts'), AGE, s('IP', 1), s('Node', 1), s('Nominated Node', 1), s('Readiness Gates', 1)], row: (o) => podRow(o as Pod) };
    case 'Deployment':
      return {
        columns: [NAME, s('Ready'), s('Up-to-date'), s('Available'), AGE],
        row: (o) => {
          const d = o as Deployment;
          return [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec.replicas ?? 1}`, d.status?.updatedReplicas ?? 0, d.status?.availableReplicas ?? 0, age(d.metadata.creationTimestamp)];
        },
      };
    case 'ReplicaSet':
      return {
        columns: [NAME, s('Desired'), s('Current'), s('Ready'), AGE],
        row: (o) => {
          const rs = o as ReplicaSet;
          return [rs.metadata.name, rs.spec.replicas ?? 1, rs.status?.replicas ?? 0, rs.status?.readyReplicas ?? 0, age(rs.metadata.creationTimestamp)];
        },
      };
    case 'Service':
      return { columns: [NAME, s('Type'), s('Cluster-IP'), s('External-IP'), s('Port(s)'), AGE, s('Selector', 1)], row: (o) => serviceRow(o as Service) };
    case 'Job':
      return { columns: [NAME, s('Status'), s('Completions'), s('Duration'), AGE], row: (o) => jobRow(o as Job) };
    case 'Event':
      return { columns: [s('Last Seen'), s('Type'), s('Reason'), s('Object'), s('Message')], row: (o) => eventRow(o as CoreEvent) };
    case 'Namespace':
      return { columns: [NAME, s('Status'), AGE], row: (o) => [o.metadata.name, isObject(o.status) ? o.status.phase : 'Active', age(o.metadata.creationTimestamp)] };
    case 'Secret':
      return { columns: [NAME, s('Type'), s('Data'), AGE], row: (o) => [o.metadata.name, o.type, Object.keys(isObject(o.data) ? o.data : {}).length, age(o.metadata.creationTimestamp)] };
    case 'ConfigMap':
      return { columns: [NAME, s('Data'), AGE], row: (o) => [o.metadata.name, Object.keys(isObject(o.data) ? o.data : {}).length, age(o.metadata.creationTimestamp)] };
    case 'Node':
      return {
        columns: [NAME, s('Status'), s('Roles'), AGE, s('Version')],
        row: (o) => [o.metadata.name, 'Ready', '<none>', age(o.metadata.creationTimestamp), isObject(o.status) && isObject(o.status.nodeInfo) ? o.status.nodeInfo.kubeletVersion : ''],
      };
    case 'Ingress':
      return {
        columns: [NAME, s('Class'), s('Hosts'), s('Address'), s('Ports'), AGE],
        row: (o) => {
          const spec = (isObject(o.spec) ? o.spec : {}) as { ingressClassName?: string; rules?: { host?: string }[]; tls?: unknown[] };
          const status = (isObject(o.status) ? o.status : {}) as { loadBalancer?: { ingress?: { ip?: string }[] } };
          const hosts = (spec.rules ?? []).map((r) => r.host ?? '*').join(',') || '*';
          return [o.metadata.name, spec.ingressClassName ?? '<none>', hosts, (status.loadBalancer?.ingress ?? []).map((i) => i.ip).join(','), spec.tls ? '80, 443' : '80', age(o.metadata.creationTimestamp)];
        },
      };
    default:
      return { columns: [NAME, AGE], row: (o) => [o.metadata.name, age(o.metadata.creationTimestamp)] };
  }
}

/** A meta.k8s.io/v1 Table of `objects`; `includeObject` is None, Object or (default) Metadata. */
export function toTable(type: ResourceType, objects: KubeObject[], resourceVersion: string, includeObject: string | null): Record<string, unknown> {
  const { columns, row } = printer(type);
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    rows: objects.map((obj) => ({
      cells: row(obj),
      ...(includeObject === 'None' ? {} : {
        object: includeObject === 'Object' ? obj : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata },
      }),
    })),
  };
}
