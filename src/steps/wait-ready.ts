// A component is ready when its deployments are and its server answers
// https://<host>/health; a host without DNS yet is reported, not failed.
import type { ActionOf } from '../plan/steps.js';
import { now } from '../engine/events.js';
import { Interrupted, sleep, StepFailure, type StepContext, type StepKind } from '../engine/step-kind.js';
import { checkHealth } from '../tools/health.js';
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

async function waitHealthy(url: string, ctx: StepContext): Promise<string> {
  const until = Date.now() + ctx.settings.readyTimeoutMs;
  for (;;) {
    const r = await checkHealth(url, { ...ctx.settings.health, signal: ctx.signal });
    if (ctx.signal.aborted) throw new Interrupted();
    if (r.state === 'healthy') {
      ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `${url} answers ${r.status}` });
      return 'healthy';
    }
    if (r.state === 'unresolved') {
      ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `${r.host} does not resolve from this machine yet: create its DNS record (see the report), then check ${url}` });
      return 'dns-pending';
    }
    if (Date.now() > until) {
      const why = r.state === 'unhealthy' ? `answers ${r.status}${r.body ? `: ${r.body.slice(0, 200)}` : ''}` : `is unreachable: ${r.error}`;
      throw new StepFailure(`${url} ${why}`, [
        /certificate/i.test(why) ? 'the certificate is not trusted here: for a private CA set cluster.tls.ca and caFile in the answers' : 'check the ingress controller and the ingress of this host: kubectl get ingress -A',
        'the pods are ready, so the server itself runs: the path from the ingress to it is the suspect',
      ]);
    }
    await sleep(ctx.settings.watchIntervalMs, ctx.signal);
  }
}

export const waitReadyKind: StepKind<Action> = {
  async run(a, ctx) {
    await waitReady(a, ctx);
    return { health: await waitHealthy(a.healthUrl, ctx) };
  },
};
