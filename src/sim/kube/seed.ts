// What a fresh cluster already holds: the system namespaces, the nodes, the
// `kubernetes` Service, and the ingress and storage classes the options name
// (the first of each is the cluster default).
import type { Admission } from './admission.js';
import type { NodeInfo } from './controllers/context.js';
import { INGRESS_CLASS, NAMESPACE, NODE, SERVICE, STORAGE_CLASS, type ResourceType } from './registry.js';
import type { Store } from './store.js';
import type { KubeObject } from './types.js';

export interface SeedOptions {
  nodes: readonly NodeInfo[];
  kubeletVersion: string;
  ingressClasses: readonly string[];
  storageClasses: readonly string[];
}

export function seedCluster(store: Store, admission: Admission, options: SeedOptions): void {
  const add = (type: ResourceType, obj: KubeObject): void => {
    store.create(type, admission.admit(type, obj).object);
  };
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    add(NAMESPACE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  for (const node of options.nodes) {
    add(NODE, {
      apiVersion: 'v1', kind: 'Node',
      metadata: { name: node.name, labels: { 'kubernetes.io/hostname': node.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } },
      spec: {},
      status: {
        capacity: { cpu: '2', memory: '8Gi', pods: '110' },
        allocatable: { cpu: '2', memory: '8Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }],
        addresses: [{ type: 'InternalIP', address: node.ip }, { type: 'Hostname', address: node.name }],
        nodeInfo: { kubeletVersion: options.kubeletVersion, osImage: 'Simulated Linux', containerRuntimeVersion: 'containerd://2.0.0', architecture: 'amd64', operatingSystem: 'linux' },
      },
    });
  }
  add(SERVICE, {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] },
  });
  for (const [i, name] of options.ingressClasses.entries()) {
    add(INGRESS_CLASS, {
      apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass',
      metadata: { name, ...(i === 0 ? { annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } : {}) },
      spec: { controller: `k8s.io/ingress-${name}` },
    });
  }
  for (const [i, name] of options.storageClasses.entries()) {
    add(STORAGE_CLASS, {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass',
      metadata: { name, ...(i === 0 ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}) },
      provisioner: 'simulated.local/provisioner', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate',
    });
  }
}
