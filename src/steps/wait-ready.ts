// A component is ready when its deployments are and its server answers
// https://<host>/health (through its ingress's address before DNS exists; see
// tools/health.ts); a host no way reaches yet is reported, not failed. What
// was found (which way answered, the ingress addresses) is recorded for the report.
import type { ActionOf } from '../plan/steps.js';
import type { HealthFinding, IngressFinding } from '../plan/report.js';
import { now } from '../engine/events.js';
import { Interrupted, sleep, StepFailure, type StepContext, type StepKind } from '../engine/step-kind.js';
import { checkHealth, describeHealthPath, hostPort, type ClusterRoute } from '../tools/health.js';
import type { NamespaceSnapshot } from '../tools/kube-objects.js';
import { judge } from './observe.js';

type Action = ActionOf<'wait-ready'>;

/**
 * Watches the namespace (no polling) until the deployments are ready, a
 * diagnosis says waiting is pointless, or the time is up: a pod turning Ready
 * is noticed as soon as the API server says so.
 */
async function waitReady(a: Action, ctx: StepContext): Promise<void> {
  const watch = { namespace: a.namespace, deployments: a.deployments, migrationJobs: new Set<string>(), seenWarnings: new Set<string>() };
  // After helm's --wait the deployments are usually ready already: one look says so without starting a watch.
  if (judge(ctx, watch, await ctx.cluster.snapshot(a.namespace, ctx.hooks)).ready) return;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => {
        reject(new StepFailure(`${a.deployments.join(', ')} in ${a.namespace} did not become ready within ${Math.round(ctx.settings.readyTimeoutMs / 1000)}s`, [
          `kubectl -n ${a.namespace} get pods; kubectl -n ${a.namespace} describe deployment ${a.deployments[0] ?? ''}`,
        ]));
      }, ctx.settings.readyTimeoutMs);
      stop.signal.addEventListener('abort', () => reject(new Interrupted()), { once: true });
      const onChange = (snap: NamespaceSnapshot): void => {
        const { fatal, ready } = judge(ctx, watch, snap);
        if (ready) resolve();
        else if (fatal.length > 0) reject(new StepFailure(`${fatal[0]?.summary ?? 'not ready'}`, fatal[0]?.next ?? [], fatal));
      };
      ctx.cluster.watchNamespace(a.namespace, onChange, { ...ctx.hooks, signal: stop.signal }).catch(reject);
    });
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onAbort);
    stop.abort();
  }
}

type Outputs = Record<string, string>;

async function waitHealthy(url: string, cluster: ClusterRoute, ctx: StepContext): Promise<Outputs> {
  const until = Date.now() + ctx.settings.readyTimeoutMs;
  let bypassed: string | undefined;
  for (;;) {
    const r = await checkHealth(url, { ...ctx.settings.health, signal: ctx.signal }, cluster);
    if (ctx.signal.aborted) throw new Interrupted();
    // Said once per reason, not on every look.
    if (r.bypassed && r.bypassed !== bypassed) ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `${url}: not through ${r.bypassed}` });
    bypassed = r.bypassed;
    if (r.state === 'healthy') {
      const path = describeHealthPath(r.path);
      ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `${url} answers ${r.status} through ${path}` });
      return { health: 'healthy', url, path };
    }
    if (r.state === 'unresolved') {
      ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `${r.host} does not resolve from this machine yet and no ingress address reaches it: create its DNS record (see the report), then check ${url}` });
      return { health: 'dns-pending', url };
    }
    if (Date.now() > until) {
      const why = r.state === 'unhealthy' ? `answers ${r.status}${r.body ? `: ${r.body.slice(0, 200)}` : ''}` : `is unreachable: ${r.error}`;
      const through = r.path ? ` (through ${describeHealthPath(r.path)})` : '';
      throw new StepFailure(`${url} ${why}${through}`, [
        /certificate/i.test(why) ? 'the certificate is not trusted here: for a private CA set cluster.tls.ca and caFile in the answers' : 'check the ingress controller and the ingress of this host: kubectl get ingress -A',
        'the pods are ready, so the server itself runs: the path from the ingress to it is the suspect',
      ]);
    }
    await sleep(ctx.settings.watchIntervalMs, ctx.signal);
  }
}

/** Every host of the namespace's ingresses with a published address, for the DNS records of the report; best effort. */
async function ingressAddresses(cluster: ClusterRoute): Promise<string | undefined> {
  const hosts = await cluster.routes.hosts(cluster.namespace).catch(() => new Map<string, never>());
  const found = [...hosts.values()].flatMap((h) => (h.address !== undefined ? [`${h.host}=${hostPort(h.address, h.port)}`] : []));
  return found.length > 0 ? found.join(' ') : undefined;
}

/** The report's view of a wait-ready step's outputs. */
export function readyFindings(outputs: Readonly<Outputs>): { health?: HealthFinding; ingresses: IngressFinding[] } {
  const ingresses = (outputs.addresses ?? '').split(' ').flatMap((entry) => {
    const m = /^([^=]+)=(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(entry);
    const address = m?.[2] ?? m?.[3];
    return m?.[1] && address ? [{ host: m[1], address, port: Number(m[4]) }] : [];
  });
  const { url, path } = outputs;
  const health: HealthFinding | undefined = url ? (outputs.health === 'healthy' && path ? { url, healthy: true, path } : { url, healthy: false }) : undefined;
  return { ...(health ? { health } : {}), ingresses };
}

export const waitReadyKind: StepKind<Action> = {
  async run(a, ctx) {
    await waitReady(a, ctx);
    const cluster = { routes: ctx.cluster.routes, namespace: a.namespace };
    // The addresses are for the report; read while /health is checked.
    const [found, addresses] = await Promise.all([waitHealthy(a.healthUrl, cluster, ctx), ingressAddresses(cluster)]);
    return { ...found, ...(addresses ? { addresses } : {}) };
  },
};
