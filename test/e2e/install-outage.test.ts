// A 15 s outage of the API server while the namespaces are being created is
// ridden out: kubectl calls are retried with backoff (up to 60 s), each retry
// is shown, and the install finishes as if nothing happened.
import { afterAll, expect, test } from 'vitest';
import { HELMS, InstallProcess, Scratch, debugLogEvents, eventsOf, installArgs, releaseLines, startSim, waitForNoTools } from '../helpers/install-sim.js';

const OUTAGE_MS = 15_000;
const scratch = new Scratch('install-outage');
afterAll(() => scratch.cleanup());

test('a 15 s API outage during the namespace steps is survived, with the retries shown', async () => {
  const sim = await startSim(scratch, 'outage');
  const dir = scratch.path('install');
  try {
    const run = new InstallProcess(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm: HELMS[0]!.helm, output: 'text' }), scratch.env(), { timeoutMs: 150_000 });
    // The outage starts the moment the installer first asks about the control plane's namespace
    // (the probe of the first namespace step): its apply, and the other namespace steps, meet it.
    let exited = false;
    void run.exited.then(() => (exited = true));
    const namespaceProbe = (): boolean => sim.kube.requestLog.list().some((e) => e.path === '/api/v1/namespaces/zenml-pro');
    while (!exited && !namespaceProbe()) await new Promise((r) => setTimeout(r, 2));
    expect(exited, 'the installer reached the namespace steps').toBe(false);
    const outageFrom = Date.now();
    sim.kube.faults.add({ type: 'outage', durationMs: OUTAGE_MS });

    const result = await run.exited;
    const events = debugLogEvents(dir);
    expect(result.exitCode, `${result.stderr}${result.stdout.slice(-2000)}`).toBe(0);
    expect(eventsOf(events, 'run-finished').at(-1)?.outcome).toBe('done');
    expect(eventsOf(events, 'step-failed')).toEqual([]);
    expect(releaseLines(sim).filter((l) => l.includes(' deployed '))).toHaveLength(3);

    const retries = eventsOf(events, 'retry');
    expect(retries.filter((r) => r.stepId.startsWith('namespace:')).length, 'the namespace steps retried').toBeGreaterThan(0);
    // Refused while the port is closed; a request in flight when it closed may be reset instead.
    expect(retries.map((r) => r.reason)).toContain('connection-refused');
    for (const r of retries) expect(['connection-refused', 'connection-reset', 'unexpected-eof']).toContain(r.reason);
    // Retried for as long as the outage lasted: the last retry was scheduled to run after it ended.
    const lastRetryEnds = Math.max(...retries.map((r) => Date.parse(r.at) + r.delayMs));
    expect(lastRetryEnds).toBeGreaterThanOrEqual(outageFrom + OUTAGE_MS);
    // Shown to the operator, one line per retry.
    expect(result.stdout.match(/retrying after a transient error \((connection-refused|connection-reset|unexpected-eof)\)/g)?.length).toBe(retries.length);
  } finally {
    await waitForNoTools(sim.info.kubeconfig, 10_000);
    await sim.close();
  }
}, 180_000);
