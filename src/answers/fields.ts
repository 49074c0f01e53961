// Field types shared by the answers schema: each carries the message an
// operator needs to fix a bad value, not just what was wrong with it.
import semver from 'semver';
import { z } from 'zod';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Why a host name is not a fully qualified domain name, or undefined when it is one. */
export function fqdnProblem(host: string): string | undefined {
  if (host.includes('://') || host.includes('/')) {
    const bare = host.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? host;
    return `give the host name only, without scheme or path: ${bare}`;
  }
  if (host !== host.toLowerCase()) return `use lowercase letters (${host.toLowerCase()})`;
  if (host === 'localhost' || host.endsWith('.localhost')) return 'localhost is not reachable from the cluster or your users; use the DNS name users will type, e.g. zenml.example.com';
  if (host.startsWith('*.')) return 'a wildcard is not a host name; give the exact host, e.g. zenml.example.com';
  if (host.length > 253) return 'a host name is at most 253 characters';
  const labels = host.split('.');
  if (labels.length < 2) return `"${host}" is a bare name; use a fully qualified domain name such as ${host}.example.com`;
  if (/^\d+$/.test(labels.at(-1) ?? '')) return 'use a DNS name, not an IP address: TLS certificates and ingress rules need a host name';
  for (const label of labels) {
    if (label.length === 0) return 'a host name has no empty labels (no leading, trailing or double dots)';
    if (label.length > 63 || !DNS_LABEL.test(label)) return `"${label}" is not a valid DNS label: letters, digits and inner hyphens, at most 63 characters`;
  }
  return undefined;
}

export const hostname = z.string().superRefine((value, ctx) => {
  const problem = fqdnProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** An https:// URL with a fully qualified host and nothing after the host but an optional path. */
export const httpsUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not a URL; write it in full, e.g. https://zenml.example.com' });
    return;
  }
  if (url.protocol !== 'https:') {
    ctx.addIssue({ code: 'custom', message: `must use https:// (got ${url.protocol}//): ZenML Pro only talks to its servers over TLS` });
    return;
  }
  const problem = fqdnProblem(url.hostname);
  if (problem) ctx.addIssue({ code: 'custom', message: `host ${problem}` });
});

export const namespace = z
  .string()
  .regex(DNS_LABEL, 'must be a DNS-1123 label: lowercase letters, digits and inner hyphens')
  .max(63, 'is at most 63 characters');

export const releaseName = z
  .string()
  .regex(DNS_LABEL, 'must be a DNS-1123 label: lowercase letters, digits and inner hyphens')
  .max(53, 'is at most 53 characters (Helm limit)');

export const version = z.string().refine((v) => semver.valid(v) !== null, {
  message: 'must be an exact chart version such as 0.93.2 (no ranges, no leading v)',
});

export const port = z.number().int().min(1).max(65535);

export const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name such as ZENML_DB_PASSWORD');

export const stringMap = z.record(z.string(), z.string());

/** Raw Helm values merged last over what the installer renders. */
export const extraValues = z
  .record(z.string(), z.unknown())
  .default({})
  .meta({ description: 'Raw chart values deep-merged over the rendered ones, for chart keys the installer does not model. The render lists every key they override.' });

/** A pod disruption budget for a release's server pods (high availability). */
export const podDisruptionBudget = z
  .strictObject({
    enabled: z.boolean().default(true),
    minAvailable: z.number().int().min(0).default(1).meta({ description: 'Server pods that must stay up during voluntary disruptions (node drains); below replicas.' }),
  })
  .optional()
  .meta({ description: "Keeps server pods up while nodes are drained. Rendered into the chart when it declares podDisruptionBudget, otherwise applied by the installer for the release's server pods." });

export const resources = z
  .strictObject({
    requests: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    limits: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .optional()
  .meta({ description: 'Kubernetes resource requests and limits for the server pods.' });
