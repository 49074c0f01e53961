// Automatic enrollment: the control plane creates the workspace's record and
// answers with its enrollment key, once. The key is kept in the install
// directory (0600) before the step counts as done, so a crash right after
// loses nothing and a re-run never enrolls twice. A workspace the control
// plane already has, whose key this directory does not hold, is explained and
// left alone unless the operator asked for --re-enroll.
import { now } from '../engine/events.js';
import { StepFailure, type KeptSecrets, type StepKind } from '../engine/step-kind.js';
import type { ActionOf } from '../plan/steps.js';
import type { Enrollment } from '../render/values.js';
import { connectControlPlane } from './control-plane.js';

type Action = ActionOf<'enroll-workspace'>;

/** Workspace states before any server called in (the documented status values). */
const NEVER_CONNECTED = new Set(['not_initialized', 'pending']);

/** Where a workspace's enrollment is kept: its key, and its ids and names (JSON). */
const keySlot = (workspace: string): string => `workspaces.${workspace}.enrollment.key`;
const recordSlot = (workspace: string): string => `workspaces.${workspace}.enrollment.record`;

/** What is kept of an enrollment: its key, and its ids and names. */
export function enrollmentEntries(workspace: string, e: Enrollment): Record<string, string> {
  const ids = { workspaceId: e.workspaceId, workspaceName: e.workspaceName, organizationId: e.organizationId, organizationName: e.organizationName };
  return { [keySlot(workspace)]: e.enrollmentKey, [recordSlot(workspace)]: JSON.stringify(ids) };
}

/** The enrollment an earlier run kept for a workspace; both parts, or nothing. */
export function keptEnrollment(kept: Pick<KeptSecrets, 'get'>, workspace: string): Enrollment | undefined {
  const enrollmentKey = kept.get(keySlot(workspace));
  const record = kept.get(recordSlot(workspace));
  if (enrollmentKey === undefined || record === undefined) return undefined;
  return { ...(JSON.parse(record) as Omit<Enrollment, 'enrollmentKey'>), enrollmentKey };
}

const outputsOf = (e: Enrollment): Record<string, string> => ({
  workspaceId: e.workspaceId,
  workspaceName: e.workspaceName,
  organizationId: e.organizationId,
  ...(e.organizationName ? { organizationName: e.organizationName } : {}),
});

export const enrollWorkspaceKind: StepKind<Action> = {
  probe(a, ctx) {
    const kept = ctx.settings.reEnroll?.has(a.workspace) ? undefined : keptEnrollment(ctx.kept, a.workspace);
    return Promise.resolve(kept ? `enrolled as workspace ${kept.workspaceId} in ${kept.organizationName ?? kept.organizationId}; its key is kept in the install directory` : undefined);
  },
  async run(a, ctx) {
    const org = ctx.outputsOf(a.organizationStep);
    if (!org?.organizationId) throw new Error(`internal: ${a.organizationStep} recorded no organization`);
    const client = await connectControlPlane(a.access, ctx);
    const existing = await client.findWorkspace(a.workspace, org.organizationId);
    // This directory's own enrollment, cut off (kill -9, a dropped connection) between the control
    // plane's answer and keeping the key: no server ever used that workspace, so it is made again.
    const ownUnused = existing !== undefined && (ctx.prior === 'running' || ctx.prior === 'interrupted') && NEVER_CONNECTED.has(existing.status);
    if (existing && ownUnused && !ctx.settings.reEnroll?.has(a.workspace)) {
      ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `an interrupted run enrolled ${a.workspace} (workspace ${existing.id}) but stopped before keeping its key; no server has connected to it, so it is deleted and enrolled again` });
      await client.deleteWorkspace(existing.id);
    } else if (existing) {
      if (!ctx.settings.reEnroll?.has(a.workspace)) {
        throw new StepFailure(
          `workspace ${a.workspace} is already on the control plane (id ${existing.id}, status ${existing.status}), and this install directory does not hold its enrollment key: the control plane shows a key only once`,
          [
            'if you have a backup of this install directory, restore its generated-secrets.yaml and run the installer again',
            `or enroll it anew: run again with --re-enroll ${a.workspace}. That deletes workspace ${existing.id} on the control plane and enrolls a new one with a new ID and key: the control plane's record of it (its members and roles) is lost; the workspace server's own database (pipelines, runs, artifacts, stored secrets) is kept`,
            'or give its values by hand (enrollment.mode: manual) if you still have the key',
          ],
          [],
          true,
        );
      }
      ctx.emit({ type: 'notice', at: now(), stepId: ctx.step.id, message: `--re-enroll ${a.workspace}: deleting workspace ${existing.id} on the control plane to enroll it anew` });
      await client.deleteWorkspace(existing.id);
    }
    const enrolled = await client.enrollWorkspace(a.workspace, org.organizationId);
    const enrollment: Enrollment = {
      workspaceId: enrolled.id, workspaceName: enrolled.name, organizationId: enrolled.organization.id, organizationName: enrolled.organization.name, enrollmentKey: enrolled.enrollmentKey,
    };
    // Both in one atomic write: a crash leaves the whole enrollment or none of it.
    await ctx.kept.put(enrollmentEntries(a.workspace, enrollment));
    return outputsOf(enrollment);
  },
};
