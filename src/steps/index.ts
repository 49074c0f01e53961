// The kinds of step an install runs, handed to the engine by the command.
import type { StepKinds } from '../engine/step-kind.js';
import { apply, pullSecret, tlsSecret } from './apply.js';
import { checkTarget } from './check-target.js';
import { disruptionBudget } from './disruption-budget.js';
import { enrollWorkspaceKind } from './enroll-workspace.js';
import { helmRelease } from './helm-release.js';
import { manualEnrollment } from './manual-enrollment.js';
import { organizationKind } from './organization.js';
import { reportKind, type ReportSource } from './report.js';
import { usersKind } from './users.js';
import { waitReadyKind } from './wait-ready.js';

export function installKinds(report: ReportSource): StepKinds {
  return {
    'check-target': checkTarget,
    apply,
    'pull-secret': pullSecret,
    'tls-secret': tlsSecret,
    'helm-release': helmRelease(),
    'wait-ready': waitReadyKind,
    'disruption-budget': disruptionBudget,
    'manual-enrollment': manualEnrollment,
    organization: organizationKind,
    users: usersKind,
    'enroll-workspace': enrollWorkspaceKind,
    report: reportKind(report),
  };
}
