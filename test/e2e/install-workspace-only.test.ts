// A workspace added to a control plane that runs elsewhere (workspace-only;
// hybrid with ZenML's SaaS is the same flow against its API): with an access
// token in the answers, the installer enrolls it through that control plane's
// API into its only organization and installs it, with no value copied by
// hand. The token reaches the installer through the environment and never
// shows. Real helm (4 and 3) and kubectl against the simulated cluster; the
// control plane is the simulated one at its own host name (no DNS: --resolve
// reaches it, as curl --resolve would), over TLS with its CA.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REMOTE_CONTROL_PLANE_HOST, type Simulation } from '../../src/sim/simulation.js';
import { HELMS, REPO_ROOT, Scratch, eventsOf, finished, installArgs, releaseLines, runInstall, startSim, waitForNoTools } from '../helpers/install-sim.js';

const answersFor = (apiUrl: string): string => `apiVersion: zenml-pro-installer/v1
scenario: workspace-only
cluster:
  context: zenml-sim
  tls:
    provisioning: cert-manager
    certManager:
      issuer: sim-issuer
images:
  source: private
  registry: registry.sim.example.com/zenml
charts:
  workspace: ${join(REPO_ROOT, '.tools', 'charts', 'zenml-0.93.0.tgz')}
existingControlPlane:
  apiUrl: ${apiUrl}
  apiToken: { fromEnv: ZENML_PRO_TOKEN }
workspaces:
  - name: edge
    version: 0.93.0
    hostname: edge.sim.example.com
    database:
      host: mysql.sim.example.com
      name: zenml_edge
      username: zenml_edge
      password: { fromFile: ${join(REPO_ROOT, 'examples', 'secrets', 'sim-db-password')} }
`;

describe.each(HELMS)('workspace-only with an access token, $label', ({ label, helm }) => {
  const scratch = new Scratch(`install-ws-only-${label.replace(' ', '')}`);
  let sim: Simulation;

  beforeAll(async () => {
    sim = await startSim(scratch, 'cluster');
  });
  afterAll(async () => {
    await waitForNoTools(sim.info.kubeconfig, 10_000);
    await sim.close();
    scratch.cleanup();
  });

  test('enrolls the workspace through the control plane API into its only organization and installs it', async () => {
    const answers = scratch.path('answers.yaml');
    writeFileSync(answers, answersFor(`https://${REMOTE_CONTROL_PLANE_HOST}/api/v1`), { mode: 0o600 });
    const token = sim.controlPlane.issuePersonalAccessToken();
    const env = { ...scratch.env(), ZENML_PRO_TOKEN: token };
    const dir = scratch.path('install');
    const result = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, answers, extra: ['--ca-file', sim.info.caFile, '--resolve', `${REMOTE_CONTROL_PLANE_HOST}=127.0.0.1:${sim.controlPlane.port}`] }), env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(finished(result)?.outcome).toBe('done');
    const edge = sim.controlPlane.state.workspaces.filter((w) => w.name === 'edge');
    expect(edge).toHaveLength(1);
    expect(edge[0]?.organization.name).toBe('default');
    // The only organization was used, none was created.
    expect(sim.controlPlane.state.organizations.map((o) => o.name)).toEqual(['default']);
    expect(eventsOf(result.events, 'step-done').map((e) => e.stepId)).toEqual(expect.arrayContaining(['organization', 'enroll:edge', 'release:workspace-edge']));
    expect(releaseLines(sim)).toEqual(['zenml-workspace-edge/zenml r1 deployed 0.93.0']);
    expect(result.stdout).not.toContain(token);
    expect(result.stdout).not.toContain(edge[0]?.enrollmentKey);
  });

  test('a token the control plane refuses stops at the organization step, naming the credential, before any release', async () => {
    const answers = scratch.path('answers-bad.yaml');
    writeFileSync(answers, answersFor(`https://${REMOTE_CONTROL_PLANE_HOST}/api/v1`).replaceAll('edge', 'edge2'), { mode: 0o600 });
    const env = { ...scratch.env(), ZENML_PRO_TOKEN: 'not-a-token-of-this-control-plane' };
    const result = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir: scratch.path('install-bad'), helm, answers, extra: ['--ca-file', sim.info.caFile, '--resolve', `${REMOTE_CONTROL_PLANE_HOST}=127.0.0.1:${sim.controlPlane.port}`] }), env);
    expect(result.exitCode).toBe(1);
    const failed = eventsOf(result.events, 'step-failed');
    expect(failed.map((e) => e.stepId)).toEqual(['organization']);
    expect(`${failed[0]?.message}\n${failed[0]?.next.join('\n')}`).toMatch(/token/i);
    expect(result.stdout).not.toContain('not-a-token-of-this-control-plane');
    expect(releaseLines(sim).some((l) => l.includes('edge2'))).toBe(false);
  });
});
