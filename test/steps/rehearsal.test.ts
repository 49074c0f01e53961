// In a rehearsal, a control plane outside the simulation is never called: the
// organization is not looked up, a kept enrollment is verified as usual, and
// one that would need the API fails the rehearsal with the reason.
import { describe, expect, test } from 'vitest';
import { StepFailure, type StepContext } from '../../src/engine/step-kind.js';
import type { ActionOf } from '../../src/plan/steps.js';
import { enrollmentEntries } from '../../src/steps/enroll-workspace.js';
import { outsideControlPlaneKinds } from '../../src/steps/rehearsal.js';

const access = { apiUrl: 'https://cloudapi.zenml.io', credential: { kind: 'token' as const, tokenKey: 'existingControlPlane.apiToken' } };
const enroll: ActionOf<'enroll-workspace'> = { type: 'enroll-workspace', access, workspace: 'ml', organizationStep: 'organization' };

/** Only what these kinds read of a step's context; a call to anything else (the API) fails the test. */
function contextWith(kept: Record<string, string>): StepContext {
  const known: Record<PropertyKey, unknown> = { settings: {}, kept: { get: (key: string) => kept[key], put: () => Promise.reject(new Error('no writes')) } };
  return new Proxy(known, {
    get(target, key) {
      if (key in target) return target[key];
      throw new Error(`the rehearsal kinds read ctx.${String(key)}`);
    },
  }) as unknown as StepContext;
}

describe('control-plane steps in a rehearsal', () => {
  test('the organization is not looked up', async () => {
    expect(await outsideControlPlaneKinds.organization?.probe?.({ type: 'organization', access }, contextWith({}))).toContain('not called');
  });

  test('a kept enrollment is verified as usual; one that needs the API fails, saying why', async () => {
    const kept = enrollmentEntries('ml', { enrollmentKey: 'k'.repeat(40), workspaceId: 'w-1', organizationId: 'o-1', workspaceName: 'ml' });
    expect(await outsideControlPlaneKinds['enroll-workspace']?.probe?.(enroll, contextWith(kept))).toContain('enrolled as workspace w-1');
    const ctx = contextWith({});
    expect(await outsideControlPlaneKinds['enroll-workspace']?.probe?.(enroll, ctx)).toBeUndefined();
    const run = outsideControlPlaneKinds['enroll-workspace']?.run(enroll, ctx);
    await expect(run).rejects.toBeInstanceOf(StepFailure);
    await expect(run).rejects.toThrow('a rehearsal does not enroll it into the control plane that runs outside the simulation');
  });
});
