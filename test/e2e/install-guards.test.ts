// What install refuses: a second run in the same directory while one is
// going (the lock), and resuming an install directory against another cluster.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Simulation } from '../../src/sim/simulation.js';
import {
  HELMS, InstallProcess, Scratch, finished, installArgs, lastSeq, mutationsAfter, releaseLines, runInstall, startSim, waitForNoTools,
} from '../helpers/install-sim.js';

describe.each(HELMS)('install guards with $label', ({ label, helm }) => {
  const scratch = new Scratch(`install-guards-${label.replace(' ', '')}`);
  let first: Simulation;
  let second: Simulation;

  beforeAll(async () => {
    first = await startSim(scratch, 'first');
    second = await startSim(scratch, 'second');
  });
  afterAll(async () => {
    for (const sim of [first, second]) {
      await waitForNoTools(sim.info.kubeconfig, 10_000);
      await sim.close();
    }
    scratch.cleanup();
  });

  test('a second install in the same directory while one runs gets the lock message and changes nothing', async () => {
    const dir = scratch.path('locked');
    const env = scratch.env('locked');
    const args = installArgs({ kubeconfig: first.info.kubeconfig, dir, helm });
    const running = new InstallProcess(args, env, { timeoutMs: 90_000 });
    await running.until((e) => e.type === 'run-started');
    const second = await runInstall(args, env, 30_000);
    expect(second.exitCode).toBe(3);
    expect(second.stderr).toContain(`Another zenml-pro-installer run is using ${dir}: pid ${running.pid} on this host, running "install"`);
    expect(second.stderr).toContain('wait for that run to finish; nothing was changed');
    expect(second.stdout).toBe('');
    const done = await running.exited;
    expect(done.exitCode).toBe(0);
    expect(finished(done)?.outcome).toBe('done');
    // The refused run stopped before writing anything: one debug log, the running one's.
    expect(readdirSync(join(dir, 'logs'))).toHaveLength(1);
  }, 90_000);

  test('resuming against a different cluster is refused with exit 3 and says why; the right cluster then resumes', async () => {
    const dir = scratch.path('resume');
    const env = scratch.env('resume');
    const onSecond = installArgs({ kubeconfig: second.info.kubeconfig, dir, helm });
    const interrupted = new InstallProcess(onSecond, env, { timeoutMs: 60_000 });
    await interrupted.until((e) => e.type === 'step-done' && e.stepId === 'namespace:control-plane');
    await interrupted.kill();

    const mark = lastSeq(first);
    const refused = await runInstall(installArgs({ kubeconfig: first.info.kubeconfig, dir, helm }), env, 30_000);
    expect(refused.exitCode).toBe(3);
    expect(refused.stderr).toContain(`belongs to context "zenml-sim" at ${second.info.kubeApi}`);
    expect(refused.stderr).toContain(`you are pointing at context "zenml-sim" at ${first.info.kubeApi}`);
    expect(refused.stderr).toContain('use a different install directory');
    expect(mutationsAfter(first, mark)).toEqual([]);

    const resumed = await runInstall(onSecond, env, 90_000);
    expect(resumed.exitCode).toBe(0);
    expect(finished(resumed)?.outcome).toBe('done');
    expect(releaseLines(second)).toHaveLength(3);
  }, 120_000);
});
