// The closing report from given answers and findings: every fact it states
// comes from its input (URLs, the ingress addresses found, the CA file, the
// users, the files of the install, where each secret is kept), it reads on an
// 80-column terminal, and REPORT.md says the same in Markdown.
import { describe, expect, test } from 'vitest';
import { validateAnswers } from '../../src/answers/load.js';
import type { Answers } from '../../src/answers/schema.js';
import { installReport, reportLines, reportMarkdown, REPORT_WIDTH, type ReportInput } from '../../src/plan/report.js';
import { baseAnswers, secondWorkspace } from '../helpers/answers.js';

function answersOf(mutate: (a: Record<string, any>) => void = () => undefined): Answers {
  const raw = baseAnswers();
  mutate(raw);
  const result = validateAnswers(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.answers;
}

const DIR = '/srv/zenml-pro';
const files: ReportInput['files'] = {
  dir: DIR,
  answersFile: '/home/ops/answers.yaml',
  answersCopy: `${DIR}/answers.yaml`,
  values: [`${DIR}/values/control-plane.yaml`, `${DIR}/values/workspace-ml.yaml`],
  journal: `${DIR}/journal.json`,
  generatedSecrets: `${DIR}/generated-secrets.yaml`,
  report: `${DIR}/REPORT.md`,
};

function input(answers: Answers, more: Partial<ReportInput> = {}): ReportInput {
  return { answers, files, health: [], ingresses: [], ...more };
}

/** The report as prose, one paragraph or item per line (REPORT.md without its markup): facts read as sentences. */
function facts(i: ReportInput): string {
  return reportMarkdown(installReport(i)).replaceAll('`', '');
}

function section(i: ReportInput, title: RegExp): string {
  const found = installReport(i).find((s) => title.test(s.title));
  return found ? reportLines([found]).join('\n') : '';
}

describe('where ZenML Pro answers', () => {
  test('the control plane, its API and each workspace, with its namespace', () => {
    const text = reportLines(installReport(input(answersOf((a) => a.workspaces.push(secondWorkspace({ namespace: 'research-ns' })))))).join('\n');
    expect(text).toContain('- Control plane: https://zenml-pro.example.com');
    expect(text).toContain('- Control-plane API: https://zenml-pro.example.com/api/v1');
    expect(text).toContain('- Workspace ml: https://ml.example.com (namespace zenml-workspace-ml)');
    expect(text).toContain('- Workspace research: https://research.example.com (namespace research-ns)');
  });

  test('a control plane run elsewhere (hybrid) is named as such, with its own API URL', () => {
    const hybrid = answersOf((a) => {
      a.scenario = 'hybrid';
      delete a.controlPlane;
      a.existingControlPlane = { apiUrl: 'https://cp.corp.example.com/api/v1' };
    });
    const text = reportLines(installReport(input(hybrid))).join('\n');
    expect(text).toContain('- Control plane (run elsewhere): https://cp.corp.example.com');
    expect(text).toContain('zenml login --pro-api-url https://cp.corp.example.com/api/v1');
    expect(text).not.toContain('reserved account');
  });

  test('each health check says which way it answered, or that it could not be made yet', () => {
    const text = section(input(answersOf(), {
      health: [
        { url: 'https://zenml-pro.example.com/health', healthy: true, path: 'the ingress address 203.0.113.7:443' },
        { url: 'https://ml.example.com/health', healthy: false },
      ],
    }), /^Where/);
    expect(text.replace(/\n {4}/g, ' ')).toContain('- https://zenml-pro.example.com/health answered through the ingress address 203.0.113.7:443');
    expect(text.replace(/\n {4}/g, ' ')).toContain('- https://ml.example.com/health not checked: its host does not resolve here yet');
  });
});

describe('DNS records', () => {
  test('each host points at the address its ingress published: A for IPv4, AAAA for IPv6, CNAME for a load balancer name', () => {
    const a = answersOf((x) => {
      x.controlPlane.apiUrl = 'https://zenml-api.example.com/api/v1';
      x.workspaces.push(secondWorkspace());
    });
    const text = section(input(a, {
      ingresses: [
        { host: 'zenml-pro.example.com', address: '203.0.113.7', port: 443 },
        { host: 'zenml-api.example.com', address: '2001:db8::7', port: 443 },
        { host: 'ml.example.com', address: 'k8s-ingress-1234.elb.amazonaws.com', port: 443 },
        { host: 'research.example.com', address: '203.0.113.8', port: 443 },
      ],
    }), /^DNS/);
    expect(text).toContain('- zenml-pro.example.com: A record, 203.0.113.7');
    expect(text).toContain('- zenml-api.example.com: AAAA record, 2001:db8::7');
    expect(text).toContain('- ml.example.com: CNAME record, k8s-ingress-1234.elb.amazonaws.com');
    expect(text).toContain('- research.example.com: A record, 203.0.113.8');
    expect(text).not.toContain('no address found');
    expect(text).not.toContain('kubectl');
  });

  test('a load balancer on another port than 443 is said, since a DNS record alone does not carry it', () => {
    const text = facts(input(answersOf(), { ingresses: [{ host: 'ml.example.com', address: '203.0.113.7', port: 30443 }] }));
    expect(text).toContain('- ml.example.com: A record, 203.0.113.7 (the load balancer listens on port 30443: URLs need :30443)');
  });

  test('a host without a found address says so, and how to find it in the namespaces concerned', () => {
    const text = section(input(answersOf(), { ingresses: [{ host: 'zenml-pro.example.com', address: '203.0.113.7', port: 443 }] }), /^DNS/);
    expect(text).toContain('- ml.example.com: no address found');
    expect(text).toContain('    kubectl -n zenml-workspace-ml get ingress');
    expect(text).not.toContain('kubectl -n zenml-pro get ingress');
    expect(text).toContain('    kubectl get svc -A -l app.kubernetes.io/component=controller');
  });
});

describe('the CA', () => {
  test('a public CA needs no section', () => {
    expect(installReport(input(answersOf())).map((s) => s.title).some((t) => /CA/.test(t))).toBe(false);
  });

  test('a private CA: how to trust it on Linux, macOS, Windows, for Python clients and in pipeline images of each workspace version', () => {
    const a = answersOf((x) => {
      x.cluster.tls.ca = 'private';
      x.cluster.tls.caFile = './pki/corp-ca.pem';
      x.workspaces.push(secondWorkspace({ version: '0.92.0' }));
      x.workspaces.push(secondWorkspace({ name: 'third', hostname: 'third.example.com', version: '0.93.0', database: { host: 'db', name: 'z3', username: 'u', password: { fromEnv: 'X' } } }));
    });
    const resolvePath = (p: string): string => `/home/ops/${p.replace(/^\.\//, '')}`;
    const text = section(input(a, { resolvePath }), /CA/);
    expect(text).toMatch(/^Trust the private CA on every client$/m);
    expect(text).toContain('/home/ops/pki/corp-ca.pem');
    expect(text).toContain('    sudo cp /home/ops/pki/corp-ca.pem \\\n      /usr/local/share/ca-certificates/zenml-pro-ca.crt\n    sudo update-ca-certificates');
    expect(text).toContain('    sudo update-ca-trust');
    expect(text).toContain('    sudo security add-trusted-cert -d -r trustRoot \\\n      -k /Library/Keychains/System.keychain /home/ops/pki/corp-ca.pem');
    expect(text).toContain('    certutil -addstore Root corp-ca.pem');
    expect(text).toContain('    export REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt');
    expect(text).toContain('  Dockerfile for workspaces ml, third (0.93.0):\n    FROM zenmldocker/zenml:0.93.0\n    COPY corp-ca.pem /usr/local/share/ca-certificates/zenml-pro-ca.crt\n    RUN update-ca-certificates');
    expect(text).toContain('  Dockerfile for workspace research (0.92.0):\n    FROM zenmldocker/zenml:0.92.0');
    expect(text).not.toContain('mirror');
  });

  test('a self-signed CA is named so; air-gapped images come from the mirror', () => {
    const a = answersOf((x) => {
      x.airGapped = true;
      x.images = { source: 'private', registry: 'registry.internal.example.com/zenml' };
      x.charts = { controlPlane: './zenml-pro-0.13.0.tgz', workspace: './zenml-0.93.0.tgz' };
      x.cluster.tls.ca = 'self-signed';
      x.cluster.tls.caFile = 'ca.crt';
    });
    const text = facts(input(a));
    expect(text).toMatch(/^## Trust the self-signed CA on every client$/m);
    expect(text).toContain("FROM your registry's mirror of the image");
  });
});

describe('logging in', () => {
  test('zenml login to the control plane API, then to each workspace by name', () => {
    const text = section(input(answersOf((a) => a.workspaces.push(secondWorkspace()))), /^Log in/);
    expect(text).toContain('    zenml login --pro-api-url https://zenml-pro.example.com/api/v1\n    zenml login ml\n    zenml login research');
  });

  test('the admin account: where its password is kept (by its reference) and how to read it from the cluster', () => {
    const generated = facts(input(answersOf()));
    expect(generated).toContain('Its password is generated and kept in /srv/zenml-pro/generated-secrets.yaml (controlPlane.adminPassword)');
    expect(generated).toContain("kubectl -n zenml-pro get secret zenml-pro \\\n  -o jsonpath='{.data.ZENML_CLOUD_ADMIN_PASSWORD}' | base64 -d");
    const fromEnv = facts(input(answersOf((a) => {
      a.controlPlane.adminPassword = { fromEnv: 'ZENML_ADMIN_PASSWORD' };
    })));
    expect(fromEnv).toContain('Its password is read from the environment variable ZENML_ADMIN_PASSWORD');
  });

  test('without password accounts there is no admin; with SSO the first login becomes superuser', () => {
    const text = facts(input(answersOf((a) => {
      a.controlPlane.passwordAuth = false;
      a.controlPlane.sso = { enabled: true, discoveryUrl: 'https://idp.example.com/.well-known/openid-configuration', clientId: 'zenml', clientSecret: { fromEnv: 'SSO_SECRET' } };
    })));
    expect(text).not.toContain('reserved account');
    expect(text).not.toContain('ZENML_CLOUD_ADMIN_PASSWORD');
    expect(text).toContain('Single sign-on: log in at https://zenml-pro.example.com; the first SSO login becomes superuser.');
  });

  test('each user created: name, role and the file with the password (never the password), in the organization', () => {
    const users = [
      { username: 'alice', superuser: true, passwordFile: `${DIR}/secrets/users.alice` },
      { username: 'bob', superuser: false },
    ];
    const text = facts(input(answersOf(), { users, organization: 'acme' }));
    expect(text).toContain('Organization: acme (the workspaces are enrolled in it).');
    expect(text).toContain('Accounts created on the control plane: each logs in at https://zenml-pro.example.com with the user name and the password from the file named; a superuser adds the others to acme under Organization → Members');
    expect(text).toContain(`- alice (superuser): password in ${DIR}/secrets/users.alice`);
    expect(text).toContain('- bob: the installer keeps no password for this user');
    expect(facts(input(answersOf()))).not.toContain('Accounts created');
  });
});

describe('files and backups', () => {
  test('the answers copy, values files, journal and the report itself, as given', () => {
    const text = facts(input(answersOf()));
    expect(text).toContain(`- install directory: ${DIR}`);
    expect(text).toContain(`- answers (secrets as references): ${DIR}/answers.yaml;`);
    expect(text).toContain(`- values files (0600, they hold secrets): ${DIR}/values/control-plane.yaml, ${DIR}/values/workspace-ml.yaml`);
    expect(text).toContain(`- journal (what ran; a re-run resumes from it): ${DIR}/journal.json`);
    expect(text).toContain(`- this report: ${DIR}/REPORT.md`);
  });

  test('the secrets that must be kept (encryption keys, JWT secrets, the admin password), each with where it lives', () => {
    const a = answersOf((x) => {
      x.workspaces[0].encryptionKey = { fromFile: './keys/ml.hex' };
      x.workspaces.push(secondWorkspace({ jwtSecretKey: { fromEnv: 'RESEARCH_JWT' } }));
    });
    const text = section(input(a), /^Back up/).replace(/\n {4}/g, ' ');
    expect(text).toContain(`Keep a copy of ${DIR}/generated-secrets.yaml (0600) somewhere`);
    expect(text).toContain('- controlPlane.adminPassword: generated and kept in /srv/zenml-pro/generated-secrets.yaml');
    expect(text).toContain('- workspaces.ml.encryptionKey: kept in ./keys/ml.hex');
    expect(text).toContain('- workspaces.ml.jwtSecretKey: generated and kept in /srv/zenml-pro/generated-secrets.yaml');
    expect(text).toContain('- workspaces.research.encryptionKey: generated and kept in /srv/zenml-pro/generated-secrets.yaml');
    expect(text).toContain('- workspaces.research.jwtSecretKey: read from the environment variable RESEARCH_JWT');
    // Database passwords and the enrollment key come from the operator: not the installer's to keep.
    expect(text).not.toContain('database.password');
    expect(text).not.toContain('enrollmentKey');
  });

  test('when nothing was generated, no generated-secrets file is named', () => {
    const a = answersOf((x) => {
      x.controlPlane.adminPassword = { fromEnv: 'ADMIN' };
      x.workspaces[0].encryptionKey = { fromEnv: 'KEY' };
      x.workspaces[0].jwtSecretKey = { fromEnv: 'JWT' };
    });
    expect(section(input(a), /^Back up/)).not.toContain('generated-secrets.yaml');
  });
});

describe('the two forms', () => {
  const full = (): ReportInput => input(answersOf((a) => {
    a.cluster.tls.ca = 'private';
    a.cluster.tls.caFile = '/etc/zenml/ca.crt';
    a.workspaces.push(secondWorkspace());
  }), {
    health: [{ url: 'https://ml.example.com/health', healthy: true, path: "the API server's service proxy (zenml-workspace-ml/http:zenml:80)" }],
    ingresses: [{ host: 'ml.example.com', address: 'k8s-ingress-1234.elb.eu-west-1.amazonaws.com', port: 443 }],
    users: [{ username: 'alice', superuser: true, passwordFile: `${DIR}/secrets/users.alice.password` }],
    organization: 'acme',
  });

  test(`on screen every line fits ${REPORT_WIDTH} columns (80 with the plain output's indent), and no Markdown shows`, () => {
    const lines = reportLines(installReport(full()));
    const widest = lines.reduce((w, l) => (l.length > w.length ? l : w), '');
    expect(widest.length, widest).toBeLessThanOrEqual(REPORT_WIDTH);
    expect(lines.join('\n')).not.toMatch(/`|^#|```/m);
  });

  test('REPORT.md: one heading per section, commands in fenced blocks, Dockerfiles marked as such', () => {
    const sections = installReport(full());
    const md = reportMarkdown(sections);
    expect(md.match(/^## .*$/gm)).toEqual(sections.map((s) => `## ${s.title}`));
    expect(md).toContain('```sh\nzenml login --pro-api-url https://zenml-pro.example.com/api/v1\nzenml login ml\nzenml login research\n```');
    expect(md).toContain('```dockerfile\nFROM zenmldocker/zenml:0.93.0\n');
    expect(md).toContain('- `ml.example.com`: CNAME record, `k8s-ingress-1234.elb.eu-west-1.amazonaws.com`');
  });
});
