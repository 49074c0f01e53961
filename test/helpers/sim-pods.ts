// Pods in the simulated cluster for log tests: a pod that prints given lines
// (the kubelet's log-lines annotation), and waiting on a pod's state through
// the store's change feed instead of polling.
import { LOG_LINES_ANNOTATION } from '../../src/sim/kube/controllers/kubelet.js';
import type { KubeApi, KubeObject } from '../../src/sim/kube/index.js';

export interface SimContainerState {
  running?: object;
  terminated?: { exitCode: number };
  waiting?: { reason: string };
}

export interface SimPod extends KubeObject {
  spec: { containers: { name: string }[]; nodeName?: string };
  status?: { phase?: string; containerStatuses?: { name: string; state: SimContainerState }[] };
}

/** A bare pod whose container prints `lines` while it runs; `restartPolicy: Never` makes it run to completion. */
export function printingPod(namespace: string, name: string, lines: readonly string[], options: { restartPolicy?: 'Never' | 'Always'; image?: string } = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, annotations: { [LOG_LINES_ANNOTATION]: lines.join('\n') } },
    spec: { restartPolicy: options.restartPolicy ?? 'Never', containers: [{ name: 'main', image: options.image ?? 'busybox:1.36' }] },
  };
}

export const containerState = (pod: KubeObject | undefined): SimContainerState | undefined => (pod as SimPod | undefined)?.status?.containerStatuses?.[0]?.state;

/** The pod as stored once `matches` holds for it: now, or at the change that makes it so. */
export function podWhen(sim: KubeApi, namespace: string, name: string, matches: (pod: SimPod) => boolean, timeoutMs = 10_000): Promise<SimPod> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const pod = sim.get('v1', 'Pod', namespace, name) as SimPod | undefined;
      if (!pod || !matches(pod)) return false;
      stop();
      resolve(pod);
      return true;
    };
    const unsubscribe = sim.store.subscribe((e) => {
      if (e.object.kind === 'Pod' && e.object.metadata.namespace === namespace) check();
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`pod ${namespace}/${name} did not reach the expected state in ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = (): void => {
      unsubscribe();
      clearTimeout(timer);
    };
    check();
  });
}

export const running = (pod: SimPod): boolean => containerState(pod)?.running !== undefined;
export const terminated = (pod: SimPod): boolean => containerState(pod)?.terminated !== undefined;

/** Polls a counter the simulation keeps without a change feed (open streams), every 10 ms. */
export async function settles(read: () => number, expected: number, timeoutMs = 3000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (read() !== expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return read();
}
