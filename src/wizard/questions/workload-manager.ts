// Optional per workspace: the workload manager runs pipelines from the UI (snapshots).
import { DEFAULT_WORKLOAD_NAMESPACE } from '../../answers/derived.js';
import { getAt, setAt } from '../path.js';
import { imageReferenceProblem, registryProblem } from '../../answers/oci-reference.js';
import { enumChoices, flagBinding, select, text, valueCheck, yesNo, type Question, type WizardData } from '../question.js';
import { workspaceCount, workspaceGroup } from './workspaces.js';

export type RunnerImageMode = 'reuse' | 'prebuilt' | 'build';

export const runnerModeFlag = (i: number): string => `ws${i}.wm.runner`;

function runnerImageMode(d: WizardData, i: number): RunnerImageMode {
  const flag = d.flags[runnerModeFlag(i)];
  if (flag === 'reuse' || flag === 'prebuilt' || flag === 'build') return flag;
  const wm = ['workspaces', i, 'workloadManager'];
  if (getAt(d.raw, [...wm, 'buildRunnerImage']) === true) return 'build';
  return getAt(d.raw, [...wm, 'runnerImage']) ? 'prebuilt' : 'reuse';
}

function oneWorkspace(d: WizardData, i: number): Question[] {
  const wm = (...rest: string[]): (string | number)[] => ['workspaces', i, 'workloadManager', ...rest];
  const id = (rest: string): string => `ws${i}.wm.${rest}`;
  const group = workspaceGroup(d, i);
  const qs: Question[] = [
    select('workloadManager', id('enabled'), wm('enabled'), 'Run pipelines from the UI', yesNo('no workload manager', 'needs workspace version 0.90.0 or newer'), { group }),
  ];
  if (getAt(d.raw, wm('enabled')) !== true) return qs;
  const implementation = getAt(d.raw, wm('implementation')) ?? 'kubernetes';
  const mode = runnerImageMode(d, i);
  qs.push(
    select('workloadManager', id('implementation'), wm('implementation'), 'Implementation', enumChoices(wm('implementation'), { kubernetes: 'any cluster', aws: 'EKS, with S3 logs and ECR builds', gcp: 'GKE' }), { group }),
    text('workloadManager', id('namespace'), wm('namespace'), 'Runner namespace', { group, optional: true, placeholder: DEFAULT_WORKLOAD_NAMESPACE, help: 'Namespace for runner pods; the installer creates it.' }),
    text('workloadManager', id('serviceAccount'), wm('serviceAccount'), 'Runner service account', { group, help: 'Service account of runner pods; the installer creates it.' }),
    select(
      'workloadManager',
      runnerModeFlag(i),
      wm('buildRunnerImage'),
      'Runner image',
      [
        { value: 'reuse', label: 'reuse', hint: 'run each snapshot in its own image' },
        { value: 'prebuilt', label: 'pre-built', hint: 'one image you built' },
        { value: 'build', label: 'build', hint: 'build runner images and push them to a registry' },
      ],
      {
        group,
        defaultValue: 'reuse',
        flag: flagBinding(runnerModeFlag(i), (x) => runnerImageMode(x, i), (x, value) => ({ ...x, raw: setAt(x.raw, wm('buildRunnerImage'), value === 'build') })),
      },
    ),
  );
  if (mode === 'prebuilt') qs.push(text('workloadManager', id('runnerImage'), wm('runnerImage'), 'Runner image', { group, placeholder: 'registry.example.com/zenml/runner:1.0', check: valueCheck('Runner image', imageReferenceProblem) }));
  if (mode === 'build') qs.push(text('workloadManager', id('registry'), wm('registry'), 'Runner image registry', { group, placeholder: 'registry.example.com/zenml-runners', check: valueCheck('Runner image registry', registryProblem) }));
  if (implementation === 'aws') {
    if (mode === 'build') qs.push(text('workloadManager', id('awsRegion'), wm('awsRegion'), 'AWS region', { group }));
    qs.push(text('workloadManager', id('awsBucket'), wm('awsBucket'), 'S3 bucket for logs', { group, optional: true, placeholder: 's3://bucket/prefix' }));
  }
  return qs;
}

export function workloadManagerQuestions(d: WizardData): Question[] {
  return Array.from({ length: workspaceCount(d) }, (_, i) => oneWorkspace(d, i)).flat();
}
