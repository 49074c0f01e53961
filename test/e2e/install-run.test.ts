// install against the simulated cluster with real helm (4 and 3) and kubectl:
// a fresh install completes; a re-run changes nothing and says so; a changed
// answer re-runs exactly the affected release.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Simulation } from '../../src/sim/simulation.js';
import {
  HELMS, Scratch, eventsOf, finished, helmReleases, installArgs, lastSeq, mutationsAfter, releaseLines, runInstall, startSim, waitForNoTools, writeAnswersCopy,
} from '../helpers/install-sim.js';

const NAMESPACES = ['zenml-pro', 'zenml-workspace-ml', 'zenml-workspace-research'];

describe.each(HELMS)('install with $label', ({ label, helm }) => {
  const scratch = new Scratch(`install-run-${label.replace(' ', '')}`);
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    sim = await startSim(scratch, 'cluster');
    env = scratch.env();
    dir = scratch.path('install');
  });
  afterAll(async () => {
    await waitForNoTools(sim.info.kubeconfig, 10_000);
    await sim.close();
    scratch.cleanup();
  });

  test('examples/sim.yaml installs: exit 0, outcome done, every release deployed at revision 1', async () => {
    const result = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm }), env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const end = finished(result);
    expect(end?.outcome).toBe('done');
    expect(end?.report?.join('\n')).toContain('https://zenml-pro.sim.example.com');
    expect(eventsOf(result.events, 'step-failed')).toEqual([]);
    expect(releaseLines(sim)).toEqual([
      'zenml-pro/zenml-pro r1 deployed 0.13.0',
      'zenml-workspace-ml/zenml r1 deployed 0.93.0',
      'zenml-workspace-research/zenml r1 deployed 0.93.0',
    ]);
    for (const ns of NAMESPACES) expect(sim.kube.get('v1', 'Namespace', undefined, ns)).toBeDefined();
    for (const [ns, name] of [['zenml-pro', 'zenml-pro'], ['zenml-pro', 'zenml-pro-dashboard'], ['zenml-workspace-ml', 'zenml'], ['zenml-workspace-research', 'zenml']] as const) {
      const d = sim.kube.get('apps/v1', 'Deployment', ns, name) as { status?: { readyReplicas?: number } } | undefined;
      expect(d?.status?.readyReplicas, `${ns}/${name}`).toBe(1);
    }
    // The simulated control plane answers /health from the cluster: every host is served by ready pods.
    expect(sim.kube.errors).toEqual([]);
  });

  test('a second run makes no mutating API call and says up to date', async () => {
    const mark = lastSeq(sim);
    const result = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm }), env);
    expect(result.exitCode).toBe(0);
    expect(finished(result)?.outcome).toBe('up-to-date');
    expect(mutationsAfter(sim, mark)).toEqual([]);
    // It did look: the run read the cluster.
    expect(lastSeq(sim)).toBeGreaterThan(mark + 10);
    const skipped = eventsOf(result.events, 'step-skipped').map((e) => e.stepId);
    expect(skipped).toEqual(expect.arrayContaining(['namespace:control-plane', 'namespace:ml', 'namespace:research', 'release:control-plane', 'release:workspace-ml', 'release:workspace-research']));
    expect(releaseLines(sim).every((l) => l.includes(' r1 '))).toBe(true);

    const text = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, output: 'text' }), env);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('up to date: the cluster already matches the answers; nothing was changed');
    expect(mutationsAfter(sim, mark)).toEqual([]);
  });

  test('a changed answer (one workspace\'s replicas) re-runs only that workspace\'s release', async () => {
    const answers = writeAnswersCopy(scratch.path('changed', 'answers.yaml'), {
      edit: (text) => text.replace('    hostname: research.sim.example.com\n', '    hostname: research.sim.example.com\n    replicas: 2\n'),
    });
    const mark = lastSeq(sim);
    const result = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, answers }), env);
    expect(result.exitCode).toBe(0);
    expect(finished(result)?.outcome).toBe('done');
    const started = eventsOf(result.events, 'step-started').map((e) => e.stepId);
    // Checks and readiness waits always run; of the steps that change the cluster, only one ran.
    expect(started.filter((id) => id !== 'target' && id !== 'report' && !id.startsWith('ready:'))).toEqual(['release:workspace-research']);
    expect(eventsOf(result.events, 'step-skipped').map((e) => e.stepId).sort()).toEqual(
      ['enroll:ml', 'enroll:research', 'namespace:control-plane', 'namespace:ml', 'namespace:research', 'release:control-plane', 'release:workspace-ml'].sort(),
    );
    const touched = new Set(mutationsAfter(sim, mark).map((m) => /\/namespaces\/([^/]+)/.exec(m.path)?.[1] ?? m.path));
    expect([...touched]).toEqual(['zenml-workspace-research']);
    expect(releaseLines(sim)).toEqual([
      'zenml-pro/zenml-pro r1 deployed 0.13.0',
      'zenml-workspace-ml/zenml r1 deployed 0.93.0',
      'zenml-workspace-research/zenml r1 superseded 0.93.0',
      'zenml-workspace-research/zenml r2 deployed 0.93.0',
    ]);
    const research = helmReleases(sim).find((r) => r.namespace === 'zenml-workspace-research' && r.revision === 2);
    expect((research?.config.server as { replicaCount?: number } | undefined)?.replicaCount).toBe(2);
    const d = sim.kube.get('apps/v1', 'Deployment', 'zenml-workspace-research', 'zenml') as { spec?: { replicas?: number }; status?: { readyReplicas?: number } } | undefined;
    expect(d?.spec?.replicas).toBe(2);
    expect(d?.status?.readyReplicas).toBe(2);
  });
});
