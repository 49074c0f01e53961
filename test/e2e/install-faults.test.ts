// Faults injected into the simulated cluster end in the right diagnosis long
// before helm's 600 s timeout, with exit 1, a 0600 support bundle and the
// resume command; once the fault is gone, the same command finishes the install.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import type { Diagnosis } from '../../src/engine/diagnose.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { FaultSpec, SimTimings } from '../../src/sim/kube/index.js';
import type { Simulation } from '../../src/sim/simulation.js';
import {
  FAST_TIMINGS, HELMS, InstallProcess, Scratch, debugLogEvents, eventsOf, finished, installArgs, releaseLines, runInstall, runPrintedCommand, startSim, untilPendingRevision, waitForNoTools, type InstallResult,
} from '../helpers/install-sim.js';

const outcomes: string[] = [];
/**
 * The kubelet retries a failed pull or a crashed container only after a
 * back-off (up to 5 min on a real cluster): after the fault is fixed, the old
 * pod still shows ImagePullBackOff/CrashLoopBackOff for a while. The re-run
 * must not stop early on that stale state.
 */
const KUBELET_BACKOFF: Partial<SimTimings> = { ...FAST_TIMINGS, backoffMs: 5000 };
/** Fail fast means this, not helm's 600 s. */
const EARLY_MS = 60_000;
const REGISTRY = 'registry.sim.example.com';

function failedStep(events: readonly EngineEvent[]): Extract<EngineEvent, { type: 'step-failed' }> {
  const failed = eventsOf(events, 'step-failed');
  expect(failed, 'one step failed').toHaveLength(1);
  return failed[0] as Extract<EngineEvent, { type: 'step-failed' }>;
}

/** Entry paths inside the bundle's top folder (support-bundle-<time>/). */
function bundleEntries(path: string): string[] {
  return execFileSync('tar', ['-tzf', path], { encoding: 'utf8' }).split('\n').filter(Boolean).map((p) => p.replace(/^[^/]+\//, ''));
}

/** The common end of every fault: exit 1 early, a private bundle, and how to resume. */
function expectFailedRun(result: InstallResult, events: readonly EngineEvent[], dir: string, args: readonly string[]): { bundle: string; resumeCommand: string } {
  const failed = eventsOf(events, 'step-failed')[0];
  outcomes.push(`${args[args.indexOf('--helm') + 1]?.split('/').pop() ?? '?'}: ${failed?.diagnoses[0]?.kind ?? 'no diagnosis'} after ${result.durationMs} ms: ${failed?.message.split('\n')[0] ?? ''}`);
  expect(result.exitCode).toBe(1);
  expect(result.durationMs).toBeLessThan(EARLY_MS);
  const end = eventsOf(events, 'run-finished').at(-1);
  expect(end?.outcome).toBe('failed');
  const bundle = end?.supportBundle ?? '';
  expect(bundle.startsWith(dir)).toBe(true);
  expect(existsSync(bundle)).toBe(true);
  expect(statSync(bundle).mode & 0o777).toBe(0o600);
  expect(bundleEntries(bundle)).toEqual(expect.arrayContaining(['journal.json', 'debug.log', 'helm/zenml-pro/zenml-pro-status.txt', 'kubectl/zenml-pro/events.txt']));
  expect(end?.resumeCommand).toBe(`zenml-pro-installer install --answers ${args[args.indexOf('--answers') + 1] ?? ''} --dir ${dir} --kubeconfig ${args[args.indexOf('--kubeconfig') + 1] ?? ''} --helm ${args[args.indexOf('--helm') + 1] ?? ''} --kubectl ${args[args.indexOf('--kubectl') + 1] ?? ''} --yes`);
  return { bundle, resumeCommand: end?.resumeCommand ?? '' };
}

/** Clears nothing itself: runs the printed resume command as a user would, and expects the install to end well. */
async function expectResumeFinishes(sim: Simulation, resumeCommand: string, env: Record<string, string>, scratch: Scratch): Promise<void> {
  const again = await runPrintedCommand(resumeCommand, env, scratch, 90_000);
  expect(again.exitCode, `${again.stderr}${again.stdout.slice(-1500)}`).toBe(0);
  // The resume command asks for text output.
  expect(again.stdout).toContain(' install finished\n');
  expect(releaseLines(sim).filter((l) => l.includes(' deployed '))).toHaveLength(3);
  outcomes.push(`  resumed: ${releaseLines(sim).join(', ')}`);
}

afterAll(() => {
  if (process.env.INSTALL_FAULT_STATS) console.log(outcomes.join('\n'));
});

describe.each(HELMS)('faults with $label', ({ label, helm }) => {
  const scratch = new Scratch(`install-faults-${label.replace(' ', '')}`);
  afterAll(() => scratch.cleanup());

  /** A fresh cluster and install dir per fault; the simulation is always closed. */
  async function withCluster(name: string, faults: FaultSpec[], body: (sim: Simulation, dir: string, env: Record<string, string>) => Promise<void>, timings: Partial<SimTimings> = FAST_TIMINGS): Promise<void> {
    const sim = await startSim(scratch, name, { faults, timings });
    try {
      await body(sim, scratch.path(name), scratch.env(name));
    } finally {
      await waitForNoTools(sim.info.kubeconfig, 10_000);
      await sim.close();
    }
  }

  test('image pull: ImagePullBackOff is diagnosed as image-pull, naming the image and the registry', async () => {
    await withCluster('image-pull', [{ type: 'imagePull', match: { image: 'zenml-pro-api', namespace: 'zenml-pro' }, message: 'manifest unknown' }], async (sim, dir, env) => {
      const args = installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm });
      const result = await runInstall(args, env);
      const failed = failedStep(result.events);
      expect(failed.stepId).toBe('release:control-plane');
      const d = failed.diagnoses[0] as Diagnosis;
      expect(d.kind).toBe('image-pull');
      expect(d.summary).toContain(`${REGISTRY}/zenml/zenml-pro-api:0.13.0`);
      expect(d.details).toContain(`registry: ${REGISTRY}`);
      expect(failed.message).toContain("stopped early instead of waiting for helm's 600s timeout");
      const { resumeCommand } = expectFailedRun(result, result.events, dir, args);
      sim.kube.faults.clear();
      await expectResumeFinishes(sim, resumeCommand, env, scratch);
    }, KUBELET_BACKOFF);
  });

  test('image pull that persists: the re-run diagnoses it again (stale back-off is ignored, a fresh failed pull is not)', async () => {
    await withCluster('image-pull-persists', [{ type: 'imagePull', match: { image: 'zenml-pro-api', namespace: 'zenml-pro' } }], async (sim, dir, env) => {
      const args = installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm });
      const first = await runInstall(args, env);
      expect(failedStep(first.events).diagnoses[0]?.kind).toBe('image-pull');
      const again = await runInstall(args, env);
      expect(again.exitCode).toBe(1);
      expect(again.durationMs).toBeLessThan(EARLY_MS);
      const failed = failedStep(again.events);
      expect(failed.stepId).toBe('release:control-plane');
      expect(failed.diagnoses[0]?.kind).toBe('image-pull');
    });
  });

  test('crash loop: diagnosed as crash-loop with the log lines (text output names the bundle and the resume command)', async () => {
    const logLines = ['zenml-pro-api starting', 'ERROR: cannot connect to mysql.sim.example.com:3306: Access denied for user zenml_pro'];
    await withCluster('crash-loop', [{ type: 'crashLoop', match: { image: 'zenml-pro-api', namespace: 'zenml-pro' }, logLines, exitCode: 1 }], async (sim, dir, env) => {
      const args = installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, output: 'text' });
      const result = await runInstall(args, env);
      const events = debugLogEvents(dir);
      const failed = failedStep(events);
      expect(failed.stepId).toBe('release:control-plane');
      const d = failed.diagnoses[0] as Diagnosis;
      expect(d.kind).toBe('crash-loop');
      expect(d.details).toEqual(expect.arrayContaining(logLines.map((l) => `  ${l}`)));
      const { bundle, resumeCommand } = expectFailedRun(result, events, dir, args);
      expect(result.stdout).toContain('diagnosis: container api keeps crashing');
      expect(result.stdout).toContain(logLines[1]);
      expect(result.stdout).toContain(`support bundle: ${bundle}`);
      expect(result.stdout).toContain(`resume with: ${resumeCommand}\n`);
      sim.kube.faults.clear();
      await expectResumeFinishes(sim, resumeCommand, env, scratch);
    }, KUBELET_BACKOFF);
  });

  test('failed migration Job: diagnosed as migration-failed with its logs', async () => {
    const logLines = ['running database migrations', 'alembic.util.exc.CommandError: Can\'t locate revision identified by \'0a1b2c3d\''];
    const fault: FaultSpec = { type: 'jobFailure', match: { kind: 'Job', name: 'zenml-db-migration', namespace: 'zenml-workspace-ml' }, logLines, exitCode: 1 };
    await withCluster('migration', [fault], async (sim, dir, env) => {
      const args = installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm });
      const result = await runInstall(args, env);
      const failed = failedStep(result.events);
      expect(failed.stepId).toBe('release:workspace-ml');
      const d = failed.diagnoses.find((x) => x.kind === 'migration-failed');
      expect(d?.resource).toBe('job/zenml-db-migration');
      expect(d?.details).toEqual(expect.arrayContaining(logLines.map((l) => `  ${l}`)));
      const { resumeCommand } = expectFailedRun(result, result.events, dir, args);
      // The other workspace is independent and was installed.
      expect(eventsOf(result.events, 'step-done').map((e) => e.stepId)).toContain('release:workspace-research');
      sim.kube.faults.clear();
      await expectResumeFinishes(sim, resumeCommand, env, scratch);
    });
  });

  test.each([
    { when: 'between steps', step: 'release:control-plane', on: 'step-done' },
    { when: 'while helm waits', step: 'release:workspace-ml', on: 'pending revision' },
  ])('API outage $when: the run survives by retrying or fails saying the cluster is unreachable; a re-run completes', async ({ when, step, on }) => {
    await withCluster(`outage-${step.replace(':', '-')}`, [], async (sim, dir, env) => {
      const args = installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm });
      const run = new InstallProcess(args, env, { timeoutMs: 90_000 });
      // Waits end with the event or the run, never a clock: a busy machine only makes them longer.
      if (on === 'step-done') {
        await run.until((e) => e.type === 'step-done' && e.stepId === step);
      } else {
        await run.until((e) => e.type === 'step-started' && e.stepId === step);
        await untilPendingRevision(sim, { namespace: 'zenml-workspace-ml', name: 'zenml' }, run);
      }
      sim.kube.faults.add({ type: 'outage', durationMs: 3000 });
      const result = await run.exited;
      const failedMessage = eventsOf(result.events, 'step-failed').map((f) => `${f.stepId}: ${f.message}`).join(' || ');
      let resumeCommand = '';
      if (result.exitCode === 0) {
        expect(finished(result)?.outcome).toBe('done');
        expect(eventsOf(result.events, 'retry').length, 'it survived by retrying').toBeGreaterThan(0);
      } else {
        // Both workspace releases run at once, so both may fail.
        const failed = eventsOf(result.events, 'step-failed');
        expect(failed.length).toBeGreaterThan(0);
        for (const f of failed) {
          expect(f.message).toMatch(/connection refused|was refused|connection reset|broken pipe|unreachable|EOF/i);
          expect(f.next.join('\n')).toMatch(/the API server did not answer reliably.*run the installer again/);
        }
        resumeCommand = expectFailedRun(result, result.events, dir, args).resumeCommand;
      }
      outcomes.push(`${label}, outage ${when}: exit ${result.exitCode}, ${eventsOf(result.events, 'retry').length} retries${failedMessage ? `; failed: ${failedMessage.replace(/\n/g, ' | ')}` : ''}`);
      sim.kube.faults.clear();
      if (resumeCommand) await expectResumeFinishes(sim, resumeCommand, env, scratch);
      else expect(finished(await runInstall(args, env, 90_000))?.outcome).toBe('up-to-date');
    });
  });
});
