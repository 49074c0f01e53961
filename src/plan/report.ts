// The closing report of an install, built from the answers and what the run
// found: where ZenML Pro answers, the DNS records to create (pointing at the
// ingress addresses actually read from the cluster), how clients trust a
// private CA, how each person logs in, where the install's files are and
// which secrets to back up. Pure: the report step gathers the facts, writes
// REPORT.md and shows the same text at the end of the run.
import { basename } from 'node:path';
import { isIP } from 'node:net';
import { proUrls, workspaceNamespace } from '../answers/derived.js';
import type { Answers } from '../answers/schema.js';
import { secretSlots } from '../answers/secrets.js';

/** How a wait-ready step found a server's /health: healthy, and which way it answered (e.g. "the ingress address 192.0.2.10:443"), or not reached yet. */
export type HealthFinding =
  | { readonly url: string; readonly healthy: true; readonly path: string }
  | { readonly url: string; readonly healthy: false };

/** The address an ingress controller published for a host. */
export interface IngressFinding {
  readonly host: string;
  /** An IP address or a load balancer's host name. */
  readonly address: string;
  readonly port: number;
}

/** A user the install created; the password stays in its file, never in the report. */
export interface ReportUser {
  readonly username: string;
  readonly superuser: boolean;
  /** Where the generated password is kept. */
  readonly passwordFile?: string;
}

/** What the install keeps in its directory, as the commands that wrote them name it. */
export interface InstallFiles {
  readonly dir: string;
  /** The answers file the run read. */
  readonly answersFile: string;
  readonly answersCopy: string;
  readonly values: readonly string[];
  readonly journal: string;
  readonly generatedSecrets: string;
  readonly report: string;
}

export interface ReportInput {
  readonly answers: Answers;
  /** Resolves a path written in the answers (relative to the answers file); default: as written. */
  readonly resolvePath?: (path: string) => string;
  readonly files: InstallFiles;
  readonly health: readonly HealthFinding[];
  readonly ingresses: readonly IngressFinding[];
  readonly users?: readonly ReportUser[];
  readonly organization?: string;
}

/** Prose (`backticks` mark literal names), a list, or lines to copy as they are. */
export type ReportBlock =
  | { readonly text: string }
  | { readonly items: readonly string[] }
  | { readonly code: readonly string[]; readonly lang?: 'sh' | 'dockerfile' };

export interface ReportSection {
  readonly title: string;
  readonly blocks: readonly ReportBlock[];
}

const HTTPS_PORT = 443;

/** The report's screen lines are shown indented by two columns (plain output): 78 keeps them within 80. */
export const REPORT_WIDTH = 78;

function hostsToPublish(a: Answers): { host: string; namespace: string }[] {
  const hosts: { host: string; namespace: string }[] = [];
  const cp = a.controlPlane;
  if (cp) {
    hosts.push({ host: cp.hostname, namespace: cp.namespace });
    const apiHost = new URL(proUrls(a).apiUrl).hostname;
    if (apiHost !== cp.hostname) hosts.push({ host: apiHost, namespace: cp.namespace });
  }
  for (const w of a.workspaces) hosts.push({ host: w.hostname, namespace: workspaceNamespace(w) });
  return hosts;
}

function whereSection(input: ReportInput): ReportSection {
  const a = input.answers;
  const { apiUrl, dashboardUrl } = proUrls(a);
  const items = [
    `Control plane${a.controlPlane ? '' : ' (run elsewhere)'}: ${dashboardUrl}`,
    `Control-plane API: ${apiUrl}`,
    ...a.workspaces.map((w) => `Workspace ${w.name}: https://${w.hostname} (namespace \`${workspaceNamespace(w)}\`)`),
  ];
  const checks = input.health.map((h) =>
    h.healthy
      ? `${h.url} answered through ${h.path}`
      : `${h.url} not checked: its host does not resolve here yet and no other way reached it; check it once its DNS record exists`);
  return { title: 'Where ZenML Pro answers', blocks: [{ items }, ...(checks.length > 0 ? [{ text: 'Health checks of this run:' }, { items: checks }] : [])] };
}

function recordType(address: string): string {
  const family = isIP(address);
  return family === 4 ? 'A' : family === 6 ? 'AAAA' : 'CNAME';
}

function dnsSection(input: ReportInput): ReportSection {
  const hosts = hostsToPublish(input.answers);
  const found = new Map(input.ingresses.map((i) => [i.host, i]));
  const items = hosts.map(({ host }) => {
    const at = found.get(host);
    if (!at) return `\`${host}\`: no address found (none was published for it when the installer looked)`;
    const port = at.port === HTTPS_PORT ? '' : ` (the load balancer listens on port ${at.port}: URLs need :${at.port})`;
    return `\`${host}\`: ${recordType(at.address)} record, \`${at.address}\`${port}`;
  });
  const missing = hosts.filter(({ host }) => !found.has(host));
  const namespaces = [...new Set(missing.map((m) => m.namespace))];
  return {
    title: 'DNS records to create',
    blocks: [
      { text: "Point each host at the ingress controller's load balancer, as its ingress reported it:" },
      { items },
      ...(missing.length > 0
        ? [
            { text: 'Where no address was found, read it from the ingress (ADDRESS) or the ingress controller\'s service (EXTERNAL-IP):' },
            { code: [...namespaces.map((ns) => `kubectl -n ${ns} get ingress`), 'kubectl get svc -A -l app.kubernetes.io/component=controller'] },
          ]
        : []),
    ],
  };
}

const pathOf = (input: ReportInput, path: string): string => input.resolvePath?.(path) ?? path;

const plural = (noun: string, names: readonly string[]): string => `${noun}${names.length > 1 ? 's' : ''} ${names.join(', ')}`;

function caSection(input: ReportInput): ReportSection | undefined {
  const a = input.answers;
  const tls = a.cluster.tls;
  if (tls.ca === 'public') return undefined;
  const ca = tls.caFile ? pathOf(input, tls.caFile) : 'ca.crt';
  const name = basename(ca);
  const versions = [...new Set(a.workspaces.map((w) => w.version))];
  return {
    title: `Trust the ${tls.ca === 'self-signed' ? 'self-signed' : 'private'} CA on every client`,
    blocks: [
      { text: `Browsers, the zenml CLI and pipeline containers must trust \`${ca}\`.` },
      { text: 'Linux (Debian, Ubuntu):' },
      { code: [`sudo cp ${ca} \\`, '  /usr/local/share/ca-certificates/zenml-pro-ca.crt', 'sudo update-ca-certificates'] },
      { text: 'Linux (RHEL, Fedora):' },
      { code: [`sudo cp ${ca} \\`, '  /etc/pki/ca-trust/source/anchors/zenml-pro-ca.crt', 'sudo update-ca-trust'] },
      { text: 'macOS:' },
      { code: ['sudo security add-trusted-cert -d -r trustRoot \\', `  -k /Library/Keychains/System.keychain ${ca}`] },
      { text: `Windows (as administrator, in a folder holding a copy of \`${name}\`):` },
      { code: [`certutil -addstore Root ${name}`] },
      { text: 'Browsers with a store of their own (Firefox) import it in their certificate settings.' },
      {
        text: 'Python clients, the zenml CLI among them: REQUESTS_CA_BUNDLE replaces the default bundle, so name one that holds the system CAs and this one, e.g. after the Debian steps above:',
      },
      { code: ['export REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt'] },
      {
        text: `Pipeline and runner images: build from the ZenML image with the CA added (the build folder holds a copy of \`${name}\`), push it${a.airGapped ? ' (FROM your registry\'s mirror of the image)' : ''} and name it as parent_image in DockerSettings:`,
      },
      ...versions.flatMap((v): ReportBlock[] => [
        { text: `Dockerfile for ${plural('workspace', a.workspaces.filter((w) => w.version === v).map((w) => w.name))} (${v}):` },
        {
          code: [`FROM zenmldocker/zenml:${v}`, `COPY ${name} /usr/local/share/ca-certificates/zenml-pro-ca.crt`, 'RUN update-ca-certificates', 'ENV REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt'],
          lang: 'dockerfile',
        },
      ]),
    ],
  };
}

/** Where a secret lives, by its reference in the answers. */
function secretHome(ref: ReturnType<typeof secretSlots>[number]['ref'], input: ReportInput): string {
  if (typeof ref === 'string') return `written in \`${input.files.answersFile}\``;
  if ('fromEnv' in ref) return `read from the environment variable ${ref.fromEnv}`;
  if ('fromFile' in ref) return `kept in \`${pathOf(input, ref.fromFile)}\``;
  return `generated and kept in \`${input.files.generatedSecrets}\``;
}

function loginSection(input: ReportInput): ReportSection {
  const a = input.answers;
  const { apiUrl, dashboardUrl } = proUrls(a);
  const blocks: ReportBlock[] = [
    { text: 'With the ZenML CLI: the control plane first, then a workspace:' },
    { code: [`zenml login --pro-api-url ${apiUrl}`, ...a.workspaces.map((w) => `zenml login ${w.name}`)] },
  ];
  const cp = a.controlPlane;
  if (cp?.passwordAuth) {
    const slot = secretSlots(a).find((s) => s.key === 'controlPlane.adminPassword');
    const home = slot ? `is ${secretHome(slot.ref, input)} (controlPlane.adminPassword); the cluster holds it too` : 'is in the cluster';
    blocks.push(
      { text: `The reserved account \`admin\` logs in at ${dashboardUrl}. Its password ${home}:` },
      { code: [`kubectl -n ${cp.namespace} get secret ${cp.releaseName} \\`, "  -o jsonpath='{.data.ZENML_CLOUD_ADMIN_PASSWORD}' | base64 -d"] },
    );
  }
  if (cp?.sso.enabled) blocks.push({ text: `Single sign-on: log in at ${dashboardUrl}; the first SSO login becomes superuser.` });
  const users = input.users ?? [];
  if (input.organization) blocks.push({ text: `Organization: \`${input.organization}\` (the workspaces are enrolled in it).` });
  if (users.length > 0) {
    blocks.push(
      {
        text: `Accounts created on the control plane: each logs in at ${dashboardUrl} with the user name and the password from the file named${input.organization ? `; a superuser adds the others to \`${input.organization}\` under Organization → Members (the documented API has no membership call)` : ''}:`,
      },
      {
        items: users.map((u) => {
          const role = u.superuser ? ' (superuser)' : '';
          const password = u.passwordFile ? `password in \`${u.passwordFile}\`` : 'the installer keeps no password for this user';
          return `\`${u.username}\`${role}: ${password}`;
        }),
      },
    );
  }
  return { title: 'Log in', blocks };
}

function filesSection(files: InstallFiles): ReportSection {
  return {
    title: 'Files of this install',
    blocks: [
      {
        items: [
          `install directory: \`${files.dir}\``,
          `answers (secrets as references): \`${files.answersCopy}\`; run install again with --answers set to it to repeat or change the install`,
          ...(files.values.length > 0 ? [`values files (0600, they hold secrets): ${files.values.map((v) => `\`${v}\``).join(', ')}`] : []),
          `journal (what ran; a re-run resumes from it): \`${files.journal}\``,
          `this report: \`${files.report}\``,
        ],
      },
    ],
  };
}

/** The secrets whose loss is unrecoverable (encryption keys) or disruptive (JWT secrets, the admin password), and where each is. */
function backupSection(input: ReportInput): ReportSection {
  const kept = secretSlots(input.answers).filter((s) => s.generate !== undefined);
  const generated = kept.some((s) => typeof s.ref === 'object' && 'generate' in s.ref);
  return {
    title: 'Back up',
    blocks: [
      {
        text: `${generated ? `Keep a copy of \`${input.files.generatedSecrets}\` (0600) somewhere safe, and of` : 'Keep a copy of'} every secret below: a lost encryption key loses every secret stored in its workspace, and a new JWT secret logs everyone out.`,
      },
      { items: kept.map((s) => `${s.key}: ${secretHome(s.ref, input)}`) },
    ],
  };
}

export function installReport(input: ReportInput): ReportSection[] {
  const ca = caSection(input);
  return [whereSection(input), dnsSection(input), ...(ca ? [ca] : []), loginSection(input), filesSection(input.files), backupSection(input)];
}

/** Words onto lines of at most `width` columns; a word longer than that (a URL) gets a line of its own. */
function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    line += `${empty ? '' : ' '}${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

const plain = (text: string): string => text.replaceAll('`', '');

/** The report for a terminal: titles, indented prose and lists wrapped to REPORT_WIDTH, commands as they are. */
export function reportLines(sections: readonly ReportSection[]): string[] {
  const lines: string[] = [];
  for (const section of sections) {
    if (lines.length > 0) lines.push('');
    lines.push(section.title);
    for (const block of section.blocks) {
      if ('text' in block) lines.push(...wrap(plain(block.text), REPORT_WIDTH, '  ', '  '));
      else if ('items' in block) for (const item of block.items) lines.push(...wrap(plain(item), REPORT_WIDTH, '  - ', '    '));
      else lines.push(...block.code.map((l) => `    ${l}`));
    }
  }
  return lines;
}

/** The same report as Markdown, for <install dir>/REPORT.md. */
export function reportMarkdown(sections: readonly ReportSection[]): string {
  const out: string[] = ['# ZenML Pro install report'];
  for (const section of sections) {
    out.push('', `## ${section.title}`);
    for (const block of section.blocks) {
      out.push('');
      if ('text' in block) out.push(block.text);
      else if ('items' in block) out.push(...block.items.map((item) => `- ${item}`));
      else out.push(`\`\`\`${block.lang ?? 'sh'}`, ...block.code, '```');
    }
  }
  return `${out.join('\n')}\n`;
}
