// The external health check against the simulated control plane's /health,
// which answers for workspace hosts from the simulated cluster's state.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeCertificates } from '../../src/sim/certs.js';
import { startControlPlaneApi, type ControlPlaneApi } from '../../src/sim/control-plane/index.js';
import { checkHealth } from '../../src/tools/health.js';

const certs = makeCertificates(['*.sim.example.com']);
let healthy = false;
let cp: ControlPlaneApi;

beforeAll(async () => {
  cp = await startControlPlaneApi({ cert: certs.cert, key: certs.key, adminPassword: 'pw-123456', healthOf: (host) => (host === 'ml.sim.example.com' ? { ok: healthy, detail: 'zenml is not ready' } : undefined) });
});
afterAll(async () => {
  await cp.close();
});

describe('checkHealth', () => {
  const resolve = (): Map<string, string> => new Map([['ml.sim.example.com', `127.0.0.1:${cp.port}`]]);

  test('reports 503 from a server that is not ready, then healthy once it is', async () => {
    const before = await checkHealth('https://ml.sim.example.com/health', { resolve: resolve(), ca: certs.caCert });
    expect(before).toMatchObject({ state: 'unhealthy', status: 503 });
    healthy = true;
    expect(await checkHealth('https://ml.sim.example.com/health', { resolve: resolve(), ca: certs.caCert })).toEqual({ state: 'healthy', status: 200 });
  });

  test('an untrusted CA is unreachable with the TLS reason', async () => {
    const r = await checkHealth('https://ml.sim.example.com/health', { resolve: resolve() });
    expect(r.state).toBe('unreachable');
    if (r.state === 'unreachable') expect(r.error).toMatch(/certificate/i);
  });

  test('a host without DNS is reported as unresolved, not as a failure', async () => {
    expect(await checkHealth('https://no-such-host.invalid/health')).toEqual({ state: 'unresolved', host: 'no-such-host.invalid' });
  });
});
