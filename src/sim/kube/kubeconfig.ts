// kubeconfig text for the simulated cluster: certificate-authority-data and a
// bearer token, so real kubectl and helm talk to it like any cluster.
import { chmodSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigInput {
  url: string;
  caCert: string;
  token: string;
  contextName: string;
  namespace?: string;
}

export function kubeconfigYaml(input: KubeconfigInput): string {
  const name = input.contextName;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: input.url, 'certificate-authority-data': Buffer.from(input.caCert).toString('base64') } }],
    users: [{ name, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: input.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  });
}

/** Writes the kubeconfig 0600: it holds the bearer token. */
export function writeKubeconfigFile(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}
