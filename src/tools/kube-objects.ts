// The shapes of the Kubernetes objects the installer reads and applies: only
// the fields it uses, all optional, as the API may leave any of them out.

/** A Kubernetes object the installer applies itself (namespaces, secrets, RBAC, budgets). */
export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  readonly [field: string]: unknown;
}

interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  ownerReferences?: { kind?: string; name?: string }[];
  creationTimestamp?: string;
}
interface ContainerStatus {
  name?: string;
  image?: string;
  restartCount?: number;
  ready?: boolean;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };
  lastState?: { terminated?: { finishedAt?: string } };
}
export interface PodObject {
  metadata?: Meta;
  spec?: { containers?: { name?: string; image?: string }[]; imagePullSecrets?: { name?: string }[] };
  status?: {
    phase?: string;
    conditions?: { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
  };
}
export interface JobObject {
  metadata?: Meta;
  status?: { succeeded?: number; failed?: number; conditions?: { type?: string; status?: string; reason?: string; message?: string }[] };
}
export interface DeploymentObject {
  metadata?: Meta & { generation?: number };
  spec?: { replicas?: number };
  status?: { readyReplicas?: number; updatedReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}
export interface EventObject {
  metadata?: Meta;
  type?: string;
  reason?: string;
  message?: string;
  involvedObject?: { kind?: string; name?: string };
  lastTimestamp?: string;
  eventTime?: string;
  count?: number;
}

export interface NamespaceSnapshot {
  readonly namespace: string;
  readonly pods: readonly PodObject[];
  readonly jobs: readonly JobObject[];
  readonly deployments: readonly DeploymentObject[];
  readonly events: readonly EventObject[];
  /** Secret names present in the namespace (to say whether a pull secret is there). */
  readonly secretNames: readonly string[];
  /** Last log lines by pod name (crashing containers and failed jobs). */
  readonly logs: ReadonlyMap<string, readonly string[]>;
}

