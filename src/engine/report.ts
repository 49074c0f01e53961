// The closing report of an install: where things are, the DNS records to
// create, and how to log in. Pure: from the answers and the plan target.
import type { Answers } from '../answers/schema.js';
import { proUrls, workspaceNamespace } from '../answers/derived.js';

export function installReport(a: Answers, installDir: string): string[] {
  const lines: string[] = [];
  const hosts: string[] = [];
  const urls = proUrls(a);
  if (a.controlPlane) {
    const cp = a.controlPlane;
    hosts.push(cp.hostname);
    const apiHost = new URL(urls.apiUrl).hostname;
    if (apiHost !== cp.hostname) hosts.push(apiHost);
    lines.push(`Control plane:  https://${cp.hostname}  (API ${urls.apiUrl})`);
    if (cp.passwordAuth) {
      lines.push(`  admin login:  user "admin"; password: kubectl -n ${cp.namespace} get secret ${cp.releaseName} -o jsonpath='{.data.ZENML_CLOUD_ADMIN_PASSWORD}' | base64 -d`);
      if (typeof cp.adminPassword === 'object' && 'generate' in cp.adminPassword) lines.push(`                (also kept in ${installDir}/generated-secrets.yaml)`);
    }
  }
  for (const w of a.workspaces) {
    hosts.push(w.hostname);
    lines.push(`Workspace ${w.name}:  https://${w.hostname}  (namespace ${workspaceNamespace(w)})`);
  }
  lines.push('', 'DNS: create these records pointing at your ingress controller\'s load balancer');
  lines.push(`  (find it with: kubectl get svc -A -l app.kubernetes.io/component=controller -o wide)`);
  for (const h of hosts) lines.push(`  ${h}  A/CNAME  <ingress load balancer>`);
  if (a.cluster.tls.ca !== 'public') {
    lines.push('', `TLS: your CA (${a.cluster.tls.caFile ?? 'caFile'}) must be trusted by every client: the OS store, browsers, and REQUESTS_CA_BUNDLE for the zenml CLI.`);
  }
  lines.push('', 'Log in with the ZenML CLI:');
  lines.push(`  zenml login --pro-api-url ${urls.apiUrl}`);
  for (const w of a.workspaces) lines.push(`  zenml login ${w.name}`);
  return lines;
}
