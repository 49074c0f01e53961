// Event sequences shaped like a real install run, for the progress view.
import type { EngineEvent } from '../../../src/engine/events.js';

/** A minute and a half ago, so elapsed times look like a real run's. */
export const T0 = Math.floor(Date.now() / 1000) * 1000 - 90_000;
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

export const LONG_OUTPUT_LINE = `W0301 02:00:05 helm upgrade: ${'x'.repeat(180)} END-OF-LONG-LINE`;

/** Up to the control plane waiting for its pods. */
export const runningPart: EngineEvent[] = [
  { type: 'run-started', at: at(0), context: 'prod-eu', server: 'https://10.0.0.1:6443', namespaces: ['zenml-pro', 'zenml-workspace-ml'], steps: 6, resumed: false },
  { type: 'step-skipped', at: at(1), stepId: 'namespace:zenml-pro', title: 'Create namespace zenml-pro', reason: 'it already exists' },
  { type: 'step-started', at: at(1), stepId: 'tls:zenml-pro', title: 'Create the TLS secret for zenml-pro.example.com' },
  { type: 'step-done', at: at(3), stepId: 'tls:zenml-pro', title: 'Create the TLS secret for zenml-pro.example.com', durationMs: 2100 },
  { type: 'step-started', at: at(4), stepId: 'helm:zenml-pro', title: 'Install the control plane (zenml-pro 0.93.2)', deadline: at(604) },
  { type: 'command', at: at(4), stepId: 'helm:zenml-pro', commandLine: 'helm upgrade --install zenml-pro oci://public.ecr.aws/zenml/zenml-pro --version 0.93.2 --namespace zenml-pro --wait' },
  ...Array.from({ length: 6 }, (_, i): EngineEvent => ({ type: 'output-line', at: at(5 + i), stepId: 'helm:zenml-pro', stream: 'stdout', line: `helm line ${i + 1}` })),
  { type: 'output-line', at: at(12), stepId: 'helm:zenml-pro', stream: 'stderr', line: LONG_OUTPUT_LINE },
  {
    type: 'resource-status',
    at: at(20),
    stepId: 'helm:zenml-pro',
    resources: [
      { name: 'zenml-pro', text: '1/2 ready', ready: false },
      { name: 'zenml-pro-dashboard', text: '1/1 ready', ready: true },
    ],
  },
  { type: 'warning-event', at: at(21), stepId: 'helm:zenml-pro', line: 'pod/zenml-pro-5d8f: Back-off pulling image "zenml-pro-api:0.93.2"' },
  { type: 'warning-event', at: at(22), stepId: 'helm:zenml-pro', line: 'pod/zenml-pro-5d8f: Back-off pulling image "zenml-pro-api:0.93.2"' },
];

export const failingEnd: EngineEvent[] = [
  {
    type: 'step-failed',
    at: at(90),
    stepId: 'helm:zenml-pro',
    title: 'Install the control plane (zenml-pro 0.93.2)',
    message: 'pods of zenml-pro cannot pull their image',
    diagnoses: [
      {
        kind: 'image-pull',
        resource: 'pod/zenml-pro-5d8f',
        summary: 'cannot pull 715803424590.dkr.ecr.eu-west-1.amazonaws.com/zenml-pro-api:0.93.2',
        details: ['Failed to pull image: 403 Forbidden', 'pull secret image-pull-secret is missing in zenml-pro'],
        next: ['ask ZenML to grant your node role access to the registry'],
      },
    ],
    next: ['fix the cause above, then resume'],
  },
  {
    type: 'run-finished',
    at: at(91),
    outcome: 'failed',
    supportBundle: '/work/install/support-bundle-20260301-020031.tar.gz',
    resumeCommand: 'zenml-pro-installer install --answers answers.yaml --resume',
  },
];

export const succeedingEnd: EngineEvent[] = [
  { type: 'resource-status', at: at(60), stepId: 'helm:zenml-pro', resources: [{ name: 'zenml-pro', text: '2/2 ready', ready: true }] },
  { type: 'step-done', at: at(61), stepId: 'helm:zenml-pro', title: 'Install the control plane (zenml-pro 0.93.2)', durationMs: 57_000, note: 'revision 1' },
  {
    type: 'run-finished',
    at: at(62),
    outcome: 'done',
    report: ['Dashboard: https://zenml-pro.example.com', 'Admin password: kubectl get secret zenml-pro -n zenml-pro -o jsonpath={.data.ZENML_CLOUD_ADMIN_PASSWORD}'],
  },
];

/** The events as a stream that yields between events, like a real run. */
export async function* streamOf(events: readonly EngineEvent[]): AsyncGenerator<EngineEvent> {
  for (const event of events) {
    await Promise.resolve();
    yield event;
  }
}
