// Every question that applies to the answers so far, in the order asked.
import type { Question, WizardData } from '../question.js';
import { advancedQuestions } from './advanced.js';
import { controlPlaneQuestions, existingControlPlaneQuestions } from './control-plane.js';
import { clusterQuestions, imageQuestions, scenarioQuestions, tlsQuestions } from './setup.js';
import { userQuestions } from './users.js';
import { workloadManagerQuestions } from './workload-manager.js';
import { workspaceQuestions } from './workspaces.js';

export function buildQuestions(d: WizardData): Question[] {
  const hosted = d.raw.scenario === 'hybrid' || d.raw.scenario === 'workspace-only';
  return [
    ...scenarioQuestions(d),
    ...clusterQuestions(d),
    ...imageQuestions(d),
    ...tlsQuestions(d),
    ...(hosted ? existingControlPlaneQuestions(d) : [...controlPlaneQuestions(d), ...userQuestions(d)]),
    ...workspaceQuestions(d),
    ...workloadManagerQuestions(d),
    ...advancedQuestions(d),
  ];
}
