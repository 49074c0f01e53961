// A first self-hosted install with manual enrollment, as the vendor guide's UI
// path orders it: the control plane must run before a workspace can be
// enrolled in its UI. Without enrollment values the install stops once the control plane is ready, says what to copy
// and exits 4; with the values added, the next install finishes the rest and
// does not touch the control plane again. Real helm (4 and 3) and kubectl
// against the simulated cluster.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Simulation } from '../../src/sim/simulation.js';
import {
  HELMS, Scratch, eventsOf, finished, installArgs, lastSeq, mutationsAfter, releaseLines, runInstall, startSim, waitForNoTools, writeAnswersCopy,
} from '../helpers/install-sim.js';

// The ml workspace's enrollment block in examples/sim.yaml, which a first install does not have yet.
const ML_ENROLLMENT = /( {4}enrollment:\n {6}mode: manual\n {6}organizationId: 11111111-2222-4333-8444-555555555555\n {6}organizationName: sim\n {6}workspaceId: aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\n {6}enrollmentKey: \{ fromFile: [^\n]+ \}\n)/;
// Two server pods kept at one while nodes drain: the workspace chart has no such setting, so the installer applies it.
const HA = '    replicas: 2\n    podDisruptionBudget: { minAvailable: 1 }\n';

describe.each(HELMS)('first self-hosted install with $label', ({ label, helm }) => {
  const scratch = new Scratch(`install-pause-${label.replace(' ', '')}`);
  let sim: Simulation;
  let env: Record<string, string>;
  let answers: string;
  let dir: string;
  let afterFirst: number;

  beforeAll(async () => {
    sim = await startSim(scratch, 'cluster');
    env = scratch.env();
    dir = scratch.path('install');
    answers = scratch.path('answers.yaml');
  });
  afterAll(async () => {
    await waitForNoTools(sim.info.kubeconfig, 10_000);
    await sim.close();
    scratch.cleanup();
  });

  test('set to manual without enrollment values, it stops after the control plane is ready, says what to copy, and exits 4', async () => {
    writeAnswersCopy(answers, {
      edit: (text) => {
        const match = ML_ENROLLMENT.exec(text);
        if (!match) throw new Error('examples/sim.yaml no longer has the ml enrollment block this test removes');
        // Manual by choice: with the admin account at hand the installer would enroll it itself.
        return text.replace(match[1]!, `${HA}    enrollment:\n      mode: manual\n`);
      },
    });
    const result = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, answers }), env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(4);
    expect(finished(result)?.outcome).toBe('waiting');
    expect(finished(result)?.resumeCommand).toContain(`install --answers ${answers}`);
    const waiting = eventsOf(result.events, 'step-waiting');
    expect(waiting.map((e) => e.stepId)).toEqual(['enroll:ml']);
    const instructions = waiting[0]!.instructions.join('\n');
    for (const fragment of [
      'open https://zenml-pro.sim.example.com',
      "kubectl --namespace zenml-pro get secret zenml-pro -o jsonpath='{.data.ZENML_CLOUD_ADMIN_PASSWORD}'",
      'New Workspace',
      'workspaces[0].enrollment.workspaceId',
      'workspaces[0].enrollment.enrollmentKey',
      'curl -X POST "https://zenml-pro.sim.example.com/api/v1/workspaces?name=ml&enroll=true"',
    ]) expect(instructions).toContain(fragment);
    // The control plane is ready and healthy; research had its values and is installed; ml waits.
    expect(eventsOf(result.events, 'step-done').map((e) => e.stepId)).toEqual(expect.arrayContaining(['ready:control-plane', 'ready:research']));
    expect(releaseLines(sim)).toEqual(['zenml-pro/zenml-pro r1 deployed 0.13.0', 'zenml-workspace-research/zenml r1 deployed 0.93.0']);
    expect(eventsOf(result.events, 'step-failed')).toEqual([]);
    afterFirst = lastSeq(sim);
  });

  test('with the values added, the next install finishes without touching the control plane again', async () => {
    writeAnswersCopy(answers, { edit: (text) => text.replace(ML_ENROLLMENT, (block: string) => `${HA}${block}`) });
    const result = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, answers }), env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(finished(result)?.outcome).toBe('done');
    const mutated = mutationsAfter(sim, afterFirst);
    expect(mutated.some((m) => m.path.includes('/namespaces/zenml-workspace-ml/'))).toBe(true);
    expect(mutated.filter((m) => m.path.includes('/namespaces/zenml-pro/') || m.path.endsWith('/namespaces/zenml-pro'))).toEqual([]);
    expect(mutated.filter((m) => m.path.includes('/namespaces/zenml-workspace-research'))).toEqual([]);
    expect(releaseLines(sim)).toEqual([
      'zenml-pro/zenml-pro r1 deployed 0.13.0',
      'zenml-workspace-ml/zenml r1 deployed 0.93.0',
      'zenml-workspace-research/zenml r1 deployed 0.93.0',
    ]);
    // The installer's disruption budget selects the server pods by the deployment's own selector.
    const deployment = sim.kube.get('apps/v1', 'Deployment', 'zenml-workspace-ml', 'zenml') as unknown as { spec: { selector: { matchLabels: Record<string, string> } } };
    const pdb = sim.kube.get('policy/v1', 'PodDisruptionBudget', 'zenml-workspace-ml', 'zenml-pdb') as { spec?: Record<string, unknown> } | undefined;
    expect(pdb?.spec).toMatchObject({ minAvailable: 1, selector: { matchLabels: deployment.spec.selector.matchLabels } });
  });

  test('a third run changes nothing', async () => {
    const mark = lastSeq(sim);
    const result = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, answers }), env);
    expect(result.exitCode).toBe(0);
    expect(finished(result)?.outcome).toBe('up-to-date');
    expect(mutationsAfter(sim, mark)).toEqual([]);
  });
});
