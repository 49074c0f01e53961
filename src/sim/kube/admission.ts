// What the real API server does to an object before storing it: defaulting
// (the fields clients later read back), validation (422 Invalid) and the
// immutability rules that trip real upgrades (Deployment selector, Job
// template, immutable Secrets/ConfigMaps, Service clusterIP).
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { invalid } from './errors.js';
import type { ResourceType } from './registry.js';
import { STORAGE_CLASS } from './registry.js';
import { matchesSelector } from './selectors.js';
import type { Store } from './store.js';
import { isObject, type Container, type Deployment, type Job, type KubeObject, type PodSpec, type Service } from './types.js';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_KINDS = new Set(['Namespace', 'Service']);

export interface AdmissionResult {
  object: KubeObject;
  /** A uid chosen during admission (a Job's selector refers to its own uid). */
  uid?: string;
}

export class Admission {
  private nextClusterIp = 10;
  private nextNodePort = 30080;

  constructor(private readonly store: Store) {}

  validateName(type: ResourceType, name: string): void {
    const dnsLabel = DNS_LABEL_KINDS.has(type.kind);
    const ok = dnsLabel ? LABEL.test(name) && name.length <= 63 : SUBDOMAIN.test(name) && name.length <= 253;
    if (ok) return;
    const rule = dnsLabel
      ? `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${LABEL.source.slice(1, -1)}')`
      : `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${SUBDOMAIN.source.slice(1, -1)}')`;
    throw invalid(type, name, [{ field: 'metadata.name', message: `Invalid value: "${name}": ${rule}` }]);
  }

  /** Defaults and validates `obj`; `live` is the stored object on updates. */
  admit(type: ResourceType, obj: KubeObject, live?: KubeObject): AdmissionResult {
    const name = obj.metadata.name ?? '';
    switch (type.kind) {
      case 'Namespace':
        obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': name };
        obj.spec = { finalizers: ['kubernetes'] };
        if (!live) obj.status = { phase: 'Active' };
        return { object: obj };
      case 'Secret':
      case 'ConfigMap':
        return { object: this.admitData(type, obj, live) };
      case 'Service':
        return { object: this.admitService(type, obj as Service, live as Service | undefined) };
      case 'Pod':
        obj.spec = defaultPodSpec(obj.spec);
        if (!live) obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
        return { object: obj };
      case 'Deployment':
        return { object: this.admitDeployment(type, obj as Deployment, live as Deployment | undefined) };
      case 'ReplicaSet':
      case 'StatefulSet':
      case 'DaemonSet':
        defaultTemplate(obj);
        if (isObject(obj.spec) && type.kind !== 'DaemonSet') obj.spec.replicas ??= 1;
        return { object: obj };
      case 'Job':
        return this.admitJob(type, obj as Job, live as Job | undefined);
      case 'PersistentVolumeClaim': {
        const spec = isObject(obj.spec) ? obj.spec : {};
        if (spec.storageClassName === undefined) {
          const fallback = this.store.list(STORAGE_CLASS).find((sc) => sc.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
          if (fallback) spec.storageClassName = fallback.metadata.name;
        }
        obj.spec = { volumeMode: 'Filesystem', ...spec };
        if (!live) obj.status = { phase: 'Pending' };
        return { object: obj };
      }
      case 'Ingress':
        if (!live) obj.status = { loadBalancer: {} };
        return { object: obj };
      default:
        return { object: obj };
    }
  }

  private admitData(type: ResourceType, obj: KubeObject, live?: KubeObject): KubeObject {
    if (type.kind === 'Secret') {
      const stringData = isObject(obj.stringData) ? obj.stringData : {};
      const data: Record<string, unknown> = { ...(isObject(obj.data) ? obj.data : {}) };
      for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value as string)).toString('base64');
      delete obj.stringData;
      if (Object.keys(data).length > 0) obj.data = data;
      obj.type ??= 'Opaque';
      if (live && live.type !== obj.type) throw invalid(type, obj.metadata.name ?? '', [{ field: 'type', message: `Invalid value: "${String(obj.type)}": field is immutable` }]);
    }
    if (live?.immutable === true) {
      const same = isDeepStrictEqual(live.data, obj.data) && isDeepStrictEqual(live.binaryData, obj.binaryData) && obj.immutable === true;
      if (!same) throw invalid(type, obj.metadata.name ?? '', [{ field: 'data', message: 'Forbidden: field is immutable when `immutable` is set' }]);
    }
    return obj;
  }

  private admitService(type: ResourceType, svc: Service, live?: Service): Service {
    const spec = svc.spec ?? {};
    spec.type ??= 'ClusterIP';
    if (spec.type !== 'ExternalName') {
      const liveIp = live?.spec.clusterIP;
      if (liveIp !== undefined && spec.clusterIP !== undefined && spec.clusterIP !== '' && spec.clusterIP !== liveIp) {
        throw invalid(type, svc.metadata.name ?? '', [{ field: 'spec.clusterIPs[0]', message: `Invalid value: []string{"${spec.clusterIP}"}: may not change once set` }]);
      }
      spec.clusterIP = liveIp ?? (spec.clusterIP && spec.clusterIP !== '' ? spec.clusterIP : `10.96.${Math.floor(this.nextClusterIp / 250)}.${this.nextClusterIp++ % 250}`);
      spec.clusterIPs = [spec.clusterIP];
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.sessionAffinity ??= 'None';
      spec.internalTrafficPolicy ??= 'Cluster';
    }
    spec.ports = (spec.ports ?? []).map((port) => {
      const livePort = live?.spec.ports?.find((p) => p.port === port.port);
      const withNodePort = spec.type === 'NodePort' || spec.type === 'LoadBalancer'
        ? { nodePort: port.nodePort ?? livePort?.nodePort ?? this.nextNodePort++ } : {};
      return { ...port, protocol: port.protocol ?? 'TCP', targetPort: port.targetPort ?? port.port, ...withNodePort };
    });
    svc.spec = spec;
    if (!live) svc.status = { loadBalancer: {} };
    return svc;
  }

  private admitDeployment(type: ResourceType, d: Deployment, live?: Deployment): Deployment {
    const name = d.metadata.name ?? '';
    const spec = d.spec;
    if (!isObject(spec) || !isObject(spec.selector)) {
      throw invalid(type, name, [{ field: 'spec.selector', message: 'Required value' }]);
    }
    if (!matchesSelector(spec.selector, spec.template?.metadata?.labels)) {
      throw invalid(type, name, [{ field: 'spec.template.metadata.labels', message: `Invalid value: ${JSON.stringify(spec.template?.metadata?.labels ?? {})}: \`selector\` does not match template \`labels\`` }]);
    }
    if (live && !isDeepStrictEqual(live.spec.selector, spec.selector)) {
      throw invalid(type, name, [{ field: 'spec.selector', message: `Invalid value: ${JSON.stringify(spec.selector)}: field is immutable` }]);
    }
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: 'RollingUpdate' };
    if ((spec.strategy.type ?? 'RollingUpdate') === 'RollingUpdate') {
      spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%', ...(spec.strategy.rollingUpdate ?? {}) } };
    }
    defaultTemplate(d);
    return d;
  }

  private admitJob(type: ResourceType, job: Job, live?: Job): AdmissionResult {
    const name = job.metadata.name ?? '';
    const spec = job.spec;
    if (!isObject(spec) || !isObject(spec.template)) throw invalid(type, name, [{ field: 'spec.template', message: 'Required value' }]);
    const uid = live?.metadata.uid ?? randomUUID();
    spec.completions ??= 1;
    spec.parallelism ??= 1;
    spec.backoffLimit ??= 6;
    spec.completionMode ??= 'NonIndexed';
    spec.suspend ??= false;
    if (!spec.manualSelector) {
      spec.selector = live?.spec.selector ?? { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
      const labels = spec.template.metadata?.labels ?? {};
      spec.template.metadata = {
        ...(spec.template.metadata ?? {}),
        labels: { ...labels, 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name },
      };
    }
    defaultTemplate(job);
    if (live && !isDeepStrictEqual(live.spec.template, spec.template)) {
      throw invalid(type, name, [{ field: 'spec.template', message: 'Invalid value: (the new pod template): field is immutable' }]);
    }
    return { object: job, uid };
  }
}

function defaultContainer(c: Container): Container {
  const image = c.image ?? '';
  const latest = !/:[^/]+$/.test(image) || image.endsWith(':latest');
  return {
    terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
    imagePullPolicy: image.includes('@') ? 'IfNotPresent' : latest ? 'Always' : 'IfNotPresent',
    resources: {}, ...c,
  };
}

function defaultPodSpec(spec: unknown): PodSpec {
  const s = (isObject(spec) ? spec : {}) as PodSpec;
  return {
    restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', securityContext: {}, schedulerName: 'default-scheduler',
    ...s,
    containers: (s.containers ?? []).map(defaultContainer),
    ...(s.initContainers ? { initContainers: s.initContainers.map(defaultContainer) } : {}),
    ...(s.serviceAccountName ?? s.serviceAccount ? {} : { serviceAccountName: 'default', serviceAccount: 'default' }),
  };
}

function defaultTemplate(obj: KubeObject): void {
  const spec = obj.spec;
  if (!isObject(spec) || !isObject(spec.template)) return;
  const template = spec.template;
  template.spec = defaultPodSpec(template.spec);
  template.metadata ??= {};
}
