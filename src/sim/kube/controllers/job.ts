// The Job controller: runs pods until `completions` succeed (conditions
// SuccessCriteriaMet + Complete) or more than `backoffLimit` fail (FailureTarget
// + Failed, reason BackoffLimitExceeded), as Helm hooks and kstatus expect.
import { JOB, POD } from '../registry.js';
import { clone, nowIso, type Condition, type Job, type Pod } from '../types.js';
import { conditionIs, controllerRef, ownedBy, randomSuffix, setCondition, type ControllerContext } from './context.js';

export function reconcileJob(ctx: ControllerContext, namespace: string, name: string): void {
  const job = ctx.store.get(JOB, namespace, name) as Job | undefined;
  if (!job || job.metadata.deletionTimestamp) return;
  const done = conditionIs(job.status?.conditions, 'Complete', 'True') || conditionIs(job.status?.conditions, 'Failed', 'True');
  const pods = (ctx.store.list(POD, namespace) as Pod[]).filter((p) => ownedBy(p, job));
  const succeeded = pods.filter((p) => p.status?.phase === 'Succeeded').length;
  const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
  let active = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const completions = job.spec.completions ?? 1;
  const backoffLimit = job.spec.backoffLimit ?? 6;
  let conditions: Condition[] = job.status?.conditions ?? [];
  let completionTime = job.status?.completionTime;

  if (!done && succeeded >= completions) {
    const reason = { status: 'True' as const, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    conditions = setCondition(setCondition(conditions, { type: 'SuccessCriteriaMet', ...reason, lastProbeTime: nowIso() }), { type: 'Complete', ...reason, lastProbeTime: nowIso() });
    completionTime = nowIso();
    ctx.events.record(job, 'Normal', 'Completed', 'Job completed', { component: 'job-controller' });
  } else if (!done && failed > backoffLimit) {
    const reason = { status: 'True' as const, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' };
    conditions = setCondition(setCondition(conditions, { type: 'FailureTarget', ...reason, lastProbeTime: nowIso() }), { type: 'Failed', ...reason, lastProbeTime: nowIso() });
    for (const pod of active) ctx.store.remove(POD, namespace, pod.metadata.name ?? '');
    active = [];
    ctx.events.record(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', { component: 'job-controller' });
  } else if (!done) {
    const wanted = Math.min(job.spec.parallelism ?? 1, completions - succeeded) - active.length;
    for (let i = 0; i < wanted; i++) {
      const template = clone(job.spec.template);
      const pod: Pod = {
        apiVersion: 'v1', kind: 'Pod',
        metadata: {
          ...(template.metadata ?? {}), name: `${name}-${randomSuffix()}`, namespace,
          labels: { ...(template.metadata?.labels ?? {}) }, ownerReferences: [controllerRef(job, JOB)],
        },
        spec: template.spec,
      };
      active.push(ctx.store.create(POD, pod) as Pod);
      ctx.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name ?? ''}`, { component: 'job-controller' });
    }
  }
  const ready = active.filter((p) => conditionIs(p.status?.conditions, 'Ready', 'True')).length;
  ctx.store.replace(JOB, {
    ...job,
    status: {
      ...(conditions.length > 0 ? { conditions } : {}),
      startTime: job.status?.startTime ?? nowIso(),
      ...(completionTime ? { completionTime } : {}),
      ...(active.length > 0 ? { active: active.length } : {}),
      ...(succeeded > 0 ? { succeeded } : {}),
      ...(failed > 0 ? { failed } : {}),
      ready, terminating: 0, uncountedTerminatedPods: {},
    },
  });
}
