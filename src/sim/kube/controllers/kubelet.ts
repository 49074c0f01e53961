// The scheduler and the kubelet, simulated: each pod is scheduled onto a node,
// its images are "pulled", its containers "start" and become Ready, or fail the
// way the faults say (ErrImagePull/ImagePullBackOff, CrashLoopBackOff,
// Unschedulable, a Job pod that exits non-zero), with the Events a real
// kubelet and scheduler write. Nothing is executed; logs are configured lines
// (a fault's, or the pod's LOG_LINES_ANNOTATION printed one by one while a
// container runs), and a followed log hears each line as it is printed.
import { createHash } from 'node:crypto';
import { ApiError, badRequest } from '../errors.js';
import type { PodIdentity } from '../faults.js';
import type { LogListener } from '../log-follow.js';
import { findByKind, POD } from '../registry.js';
import { nowIso, type Container, type ContainerState, type ContainerStatus, type KubeObject, type Pod, type PodStatus } from '../types.js';
import { controllerOf, setCondition, type ControllerContext, type NodeInfo } from './context.js';

interface ContainerRun {
  readonly spec: Container;
  readonly init: boolean;
  status: ContainerStatus;
  pulled: boolean;
  /** Failed pulls / crashes so far, for the doubling back-off. */
  pullFailures: number;
  crashes: number;
  logs: string[];
  previousLogs: string[];
  /** Follows of the running instance; they end when it does. */
  readonly followers: Set<LogListener>;
}

interface PodRun {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly runsToCompletion: boolean;
  node?: NodeInfo;
  podIP?: string;
  startTime?: string;
  readonly init: ContainerRun[];
  readonly main: ContainerRun[];
  /** What each main container prints while it runs (LOG_LINES_ANNOTATION). */
  readonly script: readonly string[];
  unschedulable?: string;
}

/**
 * Lines (one per line of the value) every main container of the pod prints
 * while it runs, spread over a Job's run time: how a stand-in chart gives its
 * pods plausible output, e.g. a migration job's.
 */
export const LOG_LINES_ANNOTATION = 'sim.zenml.io/log-lines';

const MAX_BACKOFF_DOUBLINGS = 3;

function imageRef(image: string): string {
  if (/^[^/]+\.[^/]+\//.test(image) || image.startsWith('localhost/')) return image;
  const withTag = /:[^/]+$/.test(image) || image.includes('@') ? image : `${image}:latest`;
  return withTag.includes('/') ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Go's time.Duration.String() for whole seconds: 40s, 2m40s, 5m0s. */
function goDuration(seconds: number): string {
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

function waiting(reason: string, message?: string): ContainerState {
  return { waiting: { reason, ...(message ? { message } : {}) } };
}

export class Kubelet {
  private readonly runs = new Map<string, PodRun>();
  private nextNode = 0;
  private nextIp = 10;

  constructor(private readonly ctx: ControllerContext) {}

  start(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    if (this.runs.has(uid)) return;
    const restartPolicy = pod.spec.restartPolicy ?? 'Always';
    const container = (spec: Container, init: boolean): ContainerRun => ({
      spec, init, pulled: false, pullFailures: 0, crashes: 0, logs: [], previousLogs: [], followers: new Set(),
      status: {
        name: spec.name, image: spec.image ?? '', imageID: '', ready: false, started: false, restartCount: 0,
        state: waiting(init ? 'PodInitializing' : 'ContainerCreating'), lastState: {},
      },
    });
    const run: PodRun = {
      uid, namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '',
      runsToCompletion: restartPolicy !== 'Always',
      init: (pod.spec.initContainers ?? []).map((c) => container(c, true)),
      main: pod.spec.containers.map((c) => container(c, false)),
      script: (pod.metadata.annotations?.[LOG_LINES_ANNOTATION] ?? '').split('\n').filter((l) => l.trim() !== ''),
    };
    this.runs.set(uid, run);
    this.ctx.timers.after(uid, this.ctx.timings.scheduleMs, () => this.schedule(run));
  }

  stop(pod: KubeObject): void {
    const uid = pod.metadata.uid ?? '';
    this.ctx.timers.cancel(uid);
    const run = this.runs.get(uid);
    this.runs.delete(uid);
    // Deleting a pod kills its containers: their followed logs end.
    for (const c of [...(run?.init ?? []), ...(run?.main ?? [])]) this.endFollowers(c);
  }

  /** The text `GET …/pods/{name}/log` answers, or the error a real API server gives. */
  logs(pod: Pod, containerName: string | undefined, previous: boolean): string {
    const { run, c } = this.container(pod, containerName);
    if (previous) {
      if (c.status.restartCount === 0) throw badRequest(`previous terminated container "${c.spec.name}" in pod "${run.name}" not found`);
      return c.previousLogs.map((line) => `${line}\n`).join('');
    }
    const waitingState = c.status.state.waiting;
    if (waitingState && !c.status.lastState.terminated) {
      const why = waitingState.reason === 'ImagePullBackOff' || waitingState.reason === 'ErrImagePull' ? 'trying and failing to pull image' : waitingState.reason;
      throw new ApiError(400, 'BadRequest', `container "${c.spec.name}" in pod "${run.name}" is waiting to start: ${why}`);
    }
    return c.logs.map((line) => `${line}\n`).join('');
  }

  /** How to hear what the container prints from now on, while it runs; undefined when it is not running (a follow ends after the text). */
  follow(pod: Pod, containerName: string | undefined): ((listener: LogListener) => () => void) | undefined {
    const { c } = this.container(pod, containerName);
    if (!c.status.state.running) return undefined;
    return (listener) => {
      c.followers.add(listener);
      return () => c.followers.delete(listener);
    };
  }

  private container(pod: Pod, containerName: string | undefined): { run: PodRun; c: ContainerRun } {
    const run = this.runs.get(pod.metadata.uid ?? '');
    if (!pod.spec.nodeName || !run) throw badRequest(`pod ${pod.metadata.name ?? ''} does not have a host assigned`);
    const all = [...run.init, ...run.main];
    let c: ContainerRun | undefined;
    if (containerName === undefined) {
      if (run.main.length > 1) {
        throw badRequest(`a container name must be specified for pod ${run.name}, choose one of: [${run.main.map((m) => m.spec.name).join(' ')}]`);
      }
      c = run.main[0];
    } else {
      c = all.find((m) => m.spec.name === containerName);
      if (!c) throw badRequest(`container ${containerName} is not valid for pod ${run.name}`);
    }
    if (!c) throw badRequest(`pod ${run.name} has no containers`);
    return { run, c };
  }

  /** The running instance prints `line`: its followers hear it as it is written. */
  private print(c: ContainerRun, line: string): void {
    c.logs.push(line);
    for (const listener of c.followers) listener.line(line);
  }

  private endFollowers(c: ContainerRun): void {
    const listeners = [...c.followers];
    c.followers.clear();
    for (const listener of listeners) listener.end();
  }

  private identity(run: PodRun): PodIdentity {
    const chain: { kind: string; name: string }[] = [{ kind: 'Pod', name: run.name }];
    let current: KubeObject | undefined = this.ctx.store.get(POD, run.namespace, run.name);
    for (let depth = 0; current && depth < 4; depth++) {
      const ref = controllerOf(current);
      if (!ref) break;
      chain.push({ kind: ref.kind, name: ref.name });
      const type = findByKind(ref.apiVersion, ref.kind);
      current = type ? this.ctx.store.get(type, run.namespace, ref.name) : undefined;
    }
    return { namespace: run.namespace, chain };
  }

  private pod(run: PodRun): Pod | undefined {
    const pod = this.ctx.store.get(POD, run.namespace, run.name) as Pod | undefined;
    return pod && pod.metadata.uid === run.uid ? pod : undefined;
  }

  private event(run: PodRun, type: 'Normal' | 'Warning', reason: string, message: string, c?: ContainerRun): void {
    const pod = this.pod(run);
    if (!pod) return;
    const source = c || reason !== 'Scheduled' ? { component: 'kubelet', host: run.node?.name ?? '' } : { component: 'default-scheduler' };
    const fieldPath = c ? `spec.${c.init ? 'initContainers' : 'containers'}{${c.spec.name}}` : undefined;
    this.ctx.events.record(pod, type, reason, message, source, fieldPath);
  }

  private schedule(run: PodRun): void {
    const pod = this.pod(run);
    if (!pod) return;
    const fault = this.ctx.faults.podFault('unschedulable', this.identity(run));
    if (fault) {
      const count = this.ctx.nodes.length;
      run.unschedulable = fault.message ?? `0/${count} nodes are available: ${count} Insufficient cpu. preemption: 0/${count} nodes are available: ${count} No preemption victims found for incoming pod.`;
      this.ctx.events.record(pod, 'Warning', 'FailedScheduling', run.unschedulable, { component: 'default-scheduler' });
      this.writeStatus(run);
      this.ctx.timers.after(run.uid, Math.max(1000, this.ctx.timings.backoffMs), () => this.schedule(run));
      return;
    }
    run.unschedulable = undefined;
    const node = this.ctx.nodes[this.nextNode++ % this.ctx.nodes.length];
    if (!node) throw new Error('the simulated cluster has no nodes');
    run.node = node;
    run.podIP = `10.244.${1 + (this.nextNode % this.ctx.nodes.length)}.${this.nextIp++ % 250}`;
    run.startTime = nowIso();
    this.ctx.store.replace(POD, { ...pod, spec: { ...pod.spec, nodeName: node.name } });
    this.ctx.events.record(pod, 'Normal', 'Scheduled', `Successfully assigned ${run.namespace}/${run.name} to ${node.name}`, { component: 'default-scheduler' });
    this.writeStatus(run);
    this.next(run);
  }

  /** Starts the next init container, or all main containers once the init ones are done. */
  private next(run: PodRun): void {
    const pendingInit = run.init.find((c) => !c.status.state.terminated || c.status.state.terminated.exitCode !== 0);
    if (pendingInit) {
      this.pull(run, pendingInit);
      return;
    }
    for (const c of run.main) this.pull(run, c);
  }

  private pull(run: PodRun, c: ContainerRun): void {
    const image = c.spec.image ?? '';
    if (!c.pulled) this.event(run, 'Normal', 'Pulling', `Pulling image "${image}"`, c);
    this.ctx.timers.after(run.uid, this.ctx.timings.startMs, () => {
      const fault = this.ctx.faults.podFault('imagePull', this.identity(run), image);
      if (fault) {
        const ref = imageRef(image);
        const reason = fault.message ?? `rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`;
        c.status.state = waiting('ErrImagePull', reason);
        this.event(run, 'Warning', 'Failed', `Failed to pull image "${image}": ${reason}`, c);
        this.event(run, 'Warning', 'Failed', 'Error: ErrImagePull', c);
        this.writeStatus(run);
        const first = this.backoff(c.pullFailures++);
        this.ctx.timers.after(run.uid, first, () => {
          c.status.state = waiting('ImagePullBackOff', `Back-off pulling image "${image}": ErrImagePull: ${reason}`);
          this.event(run, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, c);
          this.event(run, 'Warning', 'Failed', 'Error: ImagePullBackOff', c);
          this.writeStatus(run);
          this.ctx.timers.after(run.uid, first, () => this.pull(run, c));
        });
        return;
      }
      if (!c.pulled) {
        const ms = this.ctx.timings.startMs;
        this.event(run, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${ms}ms (${ms}ms including waiting). Image size: 52428800 bytes.`, c);
      } else {
        this.event(run, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, c);
      }
      c.pulled = true;
      c.pullFailures = 0;
      this.startContainer(run, c);
    });
  }

  private backoff(failures: number): number {
    return this.ctx.timings.backoffMs * 2 ** Math.min(failures, MAX_BACKOFF_DOUBLINGS);
  }

  private startContainer(run: PodRun, c: ContainerRun): void {
    const image = c.spec.image ?? '';
    const identity = this.identity(run);
    this.event(run, 'Normal', 'Created', `Created container: ${c.spec.name}`, c);
    this.event(run, 'Normal', 'Started', `Started container ${c.spec.name}`, c);
    const startedAt = nowIso();
    c.status = {
      ...c.status,
      imageID: `${imageRef(image).replace(/:[^/:]+$/, '')}@sha256:${digest(image)}`,
      containerID: `containerd://${digest(`${run.uid}/${c.spec.name}/${c.status.restartCount}`)}`,
      started: true, ready: false, state: { running: { startedAt } },
    };
    // A new instance (the previous one's follows ended when it exited).
    this.endFollowers(c);
    c.logs = [`[simulated] container ${c.spec.name} started from image ${image}`];
    this.writeStatus(run);

    const crash = this.ctx.faults.podFault('crashLoop', identity, image);
    const jobFailure = run.runsToCompletion && !c.init ? this.ctx.faults.podFault('jobFailure', identity, image) : undefined;
    const failure = crash ?? jobFailure;
    if (failure) {
      c.logs = failure.logLines ?? [`[simulated] container ${c.spec.name} exited with an error`];
      this.ctx.timers.after(run.uid, crash ? this.ctx.timings.crashRunMs : this.ctx.timings.jobRunMs,
        () => this.exit(run, c, failure.exitCode ?? 1, startedAt));
      return;
    }
    const script = c.init ? [] : run.script;
    if (c.init || run.runsToCompletion) {
      // The script's lines come one by one while the job runs, as a real program's do.
      const runMs = this.ctx.timings.jobRunMs;
      script.forEach((line, i) => this.ctx.timers.after(run.uid, Math.floor((runMs * (i + 1)) / (script.length + 1)), () => this.print(c, line)));
      this.ctx.timers.after(run.uid, runMs, () => {
        this.print(c, `[simulated] container ${c.spec.name} finished`);
        this.exit(run, c, 0, startedAt);
      });
      return;
    }
    for (const line of script) this.print(c, line);
    const slow = this.ctx.faults.podFault('slowReadiness', identity, image);
    this.ctx.timers.after(run.uid, this.ctx.timings.readyMs + (slow?.extraMs ?? 0), () => {
      c.status = { ...c.status, ready: true };
      this.writeStatus(run);
    });
  }

  private exit(run: PodRun, c: ContainerRun, exitCode: number, startedAt: string): void {
    // Its followed logs end with the process, before its status says so.
    this.endFollowers(c);
    const terminated = { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt: nowIso(), containerID: c.status.containerID };
    c.status = { ...c.status, ready: false, started: false, state: { terminated } };
    if (exitCode !== 0 && !run.runsToCompletion) {
      // restartPolicy Always (and init containers of such pods): back off and start again.
      const delay = this.backoff(c.crashes++);
      c.previousLogs = c.logs;
      c.status = {
        ...c.status, restartCount: c.status.restartCount + 1, lastState: { terminated },
        state: waiting('CrashLoopBackOff', `back-off ${goDuration(Math.min(300, 10 * 2 ** (c.crashes - 1)))} restarting failed container=${c.spec.name} pod=${run.name}_${run.namespace}(${run.uid})`),
      };
      this.event(run, 'Warning', 'BackOff', `Back-off restarting failed container ${c.spec.name} in pod ${run.name}_${run.namespace}(${run.uid})`, c);
      this.writeStatus(run);
      this.ctx.timers.after(run.uid, delay, () => this.pull(run, c));
      return;
    }
    this.writeStatus(run);
    if (c.init && exitCode === 0) this.next(run);
  }

  private phase(run: PodRun): string {
    if (!run.node) return 'Pending';
    const initDone = run.init.every((c) => c.status.state.terminated?.exitCode === 0);
    const initFailed = run.init.some((c) => c.status.state.terminated && c.status.state.terminated.exitCode !== 0);
    if (run.runsToCompletion && initFailed) return 'Failed';
    if (!initDone) return 'Pending';
    if (run.main.every((c) => c.status.state.terminated)) {
      return run.main.every((c) => c.status.state.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    }
    const started = run.main.some((c) => c.status.state.running || c.status.state.terminated || c.status.lastState.terminated);
    return started ? 'Running' : 'Pending';
  }

  private writeStatus(run: PodRun): void {
    const pod = this.pod(run);
    if (!pod) return;
    const phase = this.phase(run);
    const status: PodStatus = { phase, qosClass: 'BestEffort' };
    let conditions = pod.status?.conditions;
    if (run.unschedulable !== undefined) {
      conditions = setCondition(conditions, { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: run.unschedulable, lastProbeTime: null });
    } else if (run.node) {
      const completed = phase === 'Succeeded' || phase === 'Failed';
      const pendingInit = run.init.filter((c) => c.status.state.terminated?.exitCode !== 0).map((c) => c.spec.name);
      const unready = run.main.filter((c) => !c.status.ready).map((c) => c.spec.name);
      const notReady = completed
        ? { status: 'False' as const, reason: phase === 'Succeeded' ? 'PodCompleted' : 'PodFailed' }
        : unready.length > 0
          ? { status: 'False' as const, reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` }
          : { status: 'True' as const };
      conditions = setCondition(conditions, { type: 'PodReadyToStartContainers', status: completed ? 'False' : 'True', lastProbeTime: null });
      conditions = setCondition(conditions, pendingInit.length > 0 && !completed
        ? { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${pendingInit.join(' ')}]`, lastProbeTime: null }
        : { type: 'Initialized', status: 'True', ...(completed ? { reason: 'PodCompleted' } : {}), lastProbeTime: null });
      conditions = setCondition(conditions, { type: 'Ready', ...notReady, lastProbeTime: null });
      conditions = setCondition(conditions, { type: 'ContainersReady', ...notReady, lastProbeTime: null });
      conditions = setCondition(conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null });
      status.hostIP = run.node.ip;
      if (run.podIP) {
        status.podIP = run.podIP;
        status.podIPs = [{ ip: run.podIP }];
      }
      if (run.startTime) status.startTime = run.startTime;
      if (run.init.length > 0) status.initContainerStatuses = run.init.map((c) => ({ ...c.status }));
      status.containerStatuses = run.main.map((c) => ({ ...c.status }));
    }
    status.conditions = conditions ?? [];
    this.ctx.store.replace(POD, { ...pod, status });
  }
}
