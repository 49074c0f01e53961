// A session with the control-plane API for the steps that use it: the
// credential is resolved now (the plan holds only its slot key), the API is
// reached through the ingress address the control plane's ready step found
// (before DNS exists, as its health was), trusting the run's CA.
import type { StepContext } from '../engine/step-kind.js';
import type { ControlPlaneAccess } from '../plan/steps.js';
import { ControlPlaneClient, type ControlPlaneCredentials } from '../tools/control-plane-api.js';
import { readyFindings } from './wait-ready.js';

export function connectControlPlane(access: ControlPlaneAccess, ctx: StepContext): Promise<ControlPlaneClient> {
  const resolve = new Map(ctx.settings.health?.resolve ?? []);
  const found = access.addressesFrom ? readyFindings(ctx.outputsOf(access.addressesFrom) ?? {}).ingresses : [];
  for (const { host, address, port } of found) if (!resolve.has(host)) resolve.set(host, `${address}:${port}`);
  const c = access.credential;
  const credentials: ControlPlaneCredentials = c.kind === 'password' ? { kind: 'password', username: c.username, password: ctx.secret(c.passwordKey) } : { kind: 'token', token: ctx.secret(c.tokenKey) };
  return ControlPlaneClient.connect(
    {
      apiUrl: access.apiUrl,
      resolve,
      signal: ctx.signal,
      ...(ctx.settings.health?.ca ? { ca: ctx.settings.health.ca } : {}),
      ...(ctx.hooks.onRetry ? { onRetry: ctx.hooks.onRetry } : {}),
    },
    credentials,
  );
}
