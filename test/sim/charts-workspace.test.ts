// The stand-in zenml (workspace server) chart rendered by real Helm 4 and
// Helm 3, on both chart lines: 0.82.0 reads `zenml:`, 0.92.0/0.93.0 read
// `server:` and still accept `zenml:` merged over it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HELMS, HelmRunner, chartPath, find, firstContainer, names, packageCharts, plainEnv, podSpec, secretData,
  type K8sObject,
} from './charts-helm.js';

const ENROLLMENT_KEY = 'enrollment-key-for-tests-0123456789';
const DB_URL = 'mysql://zenml:db-pass-for-tests@mysql.example.com:3306/ws1';
const ENCRYPTION_KEY = 'a'.repeat(64);
const JWT_KEY = 'jwt-key-for-tests';
const SECRETS = [ENROLLMENT_KEY, DB_URL, 'db-pass-for-tests', ENCRYPTION_KEY, JWT_KEY];
const IMAGE = 'registry.example.com/zenml/zenml-pro-server';

/** Complete Pro workspace settings, to go under the chart line's root key. */
function serverSettings(): Record<string, unknown> {
  return {
    replicaCount: 2,
    image: { repository: IMAGE },
    serverURL: 'https://ws1.example.com',
    pro: {
      enabled: true,
      apiURL: 'https://zenml-pro.example.com/api/v1',
      dashboardURL: 'https://zenml-pro.example.com',
      organizationID: '6f1c2b1e-0000-4000-8000-000000000001',
      organizationName: 'default',
      workspaceID: '6f1c2b1e-0000-4000-8000-000000000002',
      workspaceName: 'ws1',
      enrollmentKey: ENROLLMENT_KEY,
    },
    database: { url: DB_URL },
    secretsStore: { sql: { encryptionKey: ENCRYPTION_KEY } },
    auth: { jwtSecretKey: JWT_KEY },
    environment: { ZENML_SERVER_MAX_CONCURRENT_TEMPLATE_RUNS: 3, ZENML_KUBERNETES_WORKLOAD_MANAGER_NAMESPACE: 'zenml-runners' },
    ingress: { enabled: true, className: 'nginx', host: 'ws1.example.com', annotations: {}, tls: { enabled: true, secretName: 'ws1-tls' } },
  };
}

function valuesUnder(root: 'zenml' | 'server', settings = serverSettings()): Record<string, unknown> {
  return { imagePullSecrets: [{ name: 'image-pull-secret' }], resources: { requests: { cpu: '100m', memory: '450Mi' } }, [root]: settings };
}

/** serverSettings() with one dotted path set (undefined deletes it). */
function settingsWith(path: string, value: unknown): Record<string, unknown> {
  const settings = serverSettings();
  const keys = path.split('.');
  let node = settings;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return settings;
}

function hookOf(object: K8sObject): Record<string, string | undefined> {
  const a = object.metadata.annotations ?? {};
  return { hook: a['helm.sh/hook'], weight: a['helm.sh/hook-weight'], policy: a['helm.sh/hook-delete-policy'] };
}

const LINES = [
  { version: '0.82.0', root: 'zenml' as const },
  { version: '0.92.0', root: 'server' as const },
  { version: '0.93.0', root: 'server' as const },
];

beforeAll(() => {
  packageCharts();
});

describe.each(HELMS)('zenml chart with $label', ({ bin, label }) => {
  const helm = new HelmRunner(bin);
  afterAll(() => helm.cleanup());

  describe.each(LINES)('version $version with complete values under $root', ({ version, root }) => {
    let objects: readonly K8sObject[] | undefined;
    const render = () => {
      if (!objects) {
        const rendered = helm.template(chartPath('zenml', version), valuesUnder(root));
        expect(rendered.stderr).toBe('');
        expect(rendered.ok).toBe(true);
        objects = rendered.objects;
      }
      return objects;
    };

    it('renders the server objects and the migration hook objects under the fullname `zenml`', () => {
      expect(names(render())).toEqual([
        'Deployment/zenml', 'Ingress/zenml', 'Job/zenml-db-migration', 'Secret/zenml', 'Secret/zenml-db-migration',
        'Service/zenml', 'ServiceAccount/zenml', 'ServiceAccount/zenml-db-migration',
      ]);
    });

    it('runs the pinned image at the chart version with Pro env, pull secrets, replicas and resources', () => {
      const deployment = find(render(), 'Deployment', 'zenml');
      expect(deployment).toMatchObject({ spec: { replicas: 2 } });
      expect(firstContainer(deployment).image).toBe(`${IMAGE}:${version}`);
      expect(podSpec(deployment).imagePullSecrets).toEqual([{ name: 'image-pull-secret' }]);
      expect(podSpec(deployment).serviceAccountName).toBe('zenml');
      expect(firstContainer(deployment).resources).toEqual({ requests: { cpu: '100m', memory: '450Mi' } });
      expect(plainEnv(deployment)).toMatchObject({
        DISABLE_DATABASE_MIGRATION: 'True',
        ZENML_SERVER_DEPLOYMENT_TYPE: 'cloud',
        ZENML_SERVER_SERVER_URL: 'https://ws1.example.com',
        ZENML_SERVER_PRO_API_URL: 'https://zenml-pro.example.com/api/v1',
        ZENML_SERVER_PRO_OAUTH2_AUDIENCE: 'https://zenml-pro.example.com/api/v1',
        ZENML_SERVER_PRO_DASHBOARD_URL: 'https://zenml-pro.example.com',
        ZENML_SERVER_PRO_ORGANIZATION_ID: '6f1c2b1e-0000-4000-8000-000000000001',
        ZENML_SERVER_PRO_ORGANIZATION_NAME: 'default',
        ZENML_SERVER_PRO_WORKSPACE_ID: '6f1c2b1e-0000-4000-8000-000000000002',
        ZENML_SERVER_PRO_WORKSPACE_NAME: 'ws1',
        ZENML_SERVER_MAX_CONCURRENT_TEMPLATE_RUNS: '3',
        ZENML_KUBERNETES_WORKLOAD_MANAGER_NAMESPACE: 'zenml-runners',
      });
    });

    it('keeps every secret in the Secret, reached through envFrom, and out of the pod spec', () => {
      const objects = render();
      expect(secretData(find(objects, 'Secret', 'zenml'))).toEqual({
        ZENML_STORE_URL: DB_URL,
        ZENML_SERVER_PRO_OAUTH2_CLIENT_SECRET: ENROLLMENT_KEY,
        ZENML_SECRETS_STORE_ENCRYPTION_KEY: ENCRYPTION_KEY,
        ZENML_SERVER_JWT_SECRET_KEY: JWT_KEY,
      });
      const deployment = find(objects, 'Deployment', 'zenml');
      expect(firstContainer(deployment).envFrom).toEqual([{ secretRef: { name: 'zenml' } }]);
      const workloads = JSON.stringify(objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job'));
      for (const secret of SECRETS) expect(workloads).not.toContain(secret);
    });

    it('serves port 80 to 8080 through an Ingress with host, class, TLS and the nginx redirect', () => {
      const objects = render();
      expect(find(objects, 'Service', 'zenml')).toMatchObject({ spec: { ports: [{ port: 80, targetPort: 8080 }] } });
      expect(find(objects, 'Ingress', 'zenml')).toMatchObject({
        metadata: { annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true' } },
        spec: {
          ingressClassName: 'nginx',
          tls: [{ hosts: ['ws1.example.com'], secretName: 'ws1-tls' }],
          rules: [{ host: 'ws1.example.com', http: { paths: [{ path: '/', backend: { service: { name: 'zenml', port: { number: 80 } } } }] } }],
        },
      });
    });

    it('migrates the database in ordered pre-install/pre-upgrade hooks with the server image', () => {
      const objects = render();
      const policy = 'before-hook-creation,hook-succeeded';
      expect(hookOf(find(objects, 'Secret', 'zenml-db-migration'))).toEqual({ hook: 'pre-install,pre-upgrade', weight: '-3', policy });
      expect(hookOf(find(objects, 'ServiceAccount', 'zenml-db-migration'))).toEqual({ hook: 'pre-install,pre-upgrade', weight: '-2', policy });
      const job = find(objects, 'Job', 'zenml-db-migration');
      expect(hookOf(job)).toEqual({ hook: 'pre-install,pre-upgrade', weight: '-1', policy });
      expect(job).toMatchObject({ spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', serviceAccountName: 'zenml-db-migration' } } } });
      expect(firstContainer(job).image).toBe(`${IMAGE}:${version}`);
      expect(firstContainer(job).args).toEqual(['migrate-database']);
      expect(firstContainer(job).envFrom).toEqual([{ secretRef: { name: 'zenml-db-migration' } }]);
      expect(secretData(find(objects, 'Secret', 'zenml-db-migration')).ZENML_STORE_URL).toBe(DB_URL);
      // The migration pod must not look like a server pod to the Service.
      const serviceSelector = (find(objects, 'Service', 'zenml') as unknown as { spec: { selector: Record<string, string> } }).spec.selector;
      const jobLabels = (job as unknown as { spec: { template: { metadata: { labels: Record<string, string> } } } }).spec.template.metadata.labels;
      expect(Object.entries(serviceSelector).every(([k, v]) => jobLabels[k] === v)).toBe(false);
    });

  });

  // 0.92.0 and 0.93.0 come from the same sources, so one of each line is enough here.
  describe.each([LINES[0]!, LINES[2]!])('version $version with a bad value under $root', ({ version, root }) => {
    it.each([
      ['pro.organizationID', undefined, 'pro.organizationID is required'],
      ['pro.workspaceID', '', 'pro.workspaceID is required'],
      ['pro.enrollmentKey', undefined, 'pro.enrollmentKey is required'],
      ['serverURL', undefined, 'serverURL is required'],
      ['serverURL', 'ws1.example.com', 'serverURL must be an http or https URL with a host'],
      ['serverURL', 'ftp://ws1.example.com', 'serverURL must be an http or https URL with a host'],
      ['database.url', undefined, 'database.url must be set to an external MySQL database'],
      ['database.url', 'sqlite:////zenml/zenml.db', 'SQLite'],
    ])('fails when %s is %j, naming it under the root key', (path, value, message) => {
      const rendered = helm.template(chartPath('zenml', version), valuesUnder(root, settingsWith(path, value)));
      expect(rendered.ok).toBe(false);
      expect(rendered.stderr).toContain(message);
      expect(rendered.stderr).toContain(`${root}.${path.split('.')[0]}`);
    });

    it('refuses ingress annotations that are not a map, and a missing map with TLS on nginx', () => {
      const listed = helm.template(chartPath('zenml', version), valuesUnder(root, settingsWith('ingress.annotations', ['a'])));
      expect(listed.ok).toBe(false);
      expect(listed.stderr).toContain(`${root}.ingress.annotations must be a map`);
      const missing = helm.template(chartPath('zenml', version), valuesUnder(root, settingsWith('ingress.annotations', null)));
      expect(missing.ok).toBe(false);
      expect(missing.stderr).toContain('expected map');
    });
  });

  describe('root keys', () => {
    it('ignores `server:` values on the 0.82.0 line, which reads only `zenml:`', () => {
      const rendered = helm.template(chartPath('zenml', '0.82.0'), valuesUnder('server'));
      expect(rendered.ok).toBe(true);
      const deployment = find(rendered.objects, 'Deployment', 'zenml');
      expect(firstContainer(deployment).image).toBe('zenmldocker/zenml-server:0.82.0');
      expect(plainEnv(deployment).ZENML_SERVER_DEPLOYMENT_TYPE).toBe('kubernetes');
      expect(Object.keys(plainEnv(deployment)).filter((k) => k.startsWith('ZENML_SERVER_PRO_'))).toEqual([]);
      // No database.url seen: SQLite, one replica, no migration hook.
      expect(deployment).toMatchObject({ spec: { replicas: 1 } });
      expect(rendered.objects.some((o) => o.kind === 'Job')).toBe(false);
    });

    it.each(['0.92.0', '0.93.0'])('accepts legacy `zenml:` values on the %s line', (version) => {
      const rendered = helm.template(chartPath('zenml', version), valuesUnder('zenml'));
      expect(rendered.ok).toBe(true);
      const deployment = find(rendered.objects, 'Deployment', 'zenml');
      expect(firstContainer(deployment).image).toBe(`${IMAGE}:${version}`);
      expect(plainEnv(deployment).ZENML_SERVER_PRO_WORKSPACE_ID).toBe('6f1c2b1e-0000-4000-8000-000000000002');
      expect(names(rendered.objects)).toContain('Job/zenml-db-migration');
    });

    it('lets `zenml:` win over `server:` on the newer line, false and empty values included', () => {
      const values = {
        ...valuesUnder('server'),
        zenml: { image: { tag: '9.9.9' }, ingress: { enabled: false }, pro: { workspaceName: '' } },
      };
      const rendered = helm.template(chartPath('zenml', '0.93.0'), values);
      expect(rendered.ok).toBe(true);
      const deployment = find(rendered.objects, 'Deployment', 'zenml');
      expect(firstContainer(deployment).image).toBe(`${IMAGE}:9.9.9`);
      expect(rendered.objects.some((o) => o.kind === 'Ingress')).toBe(false);
      expect(plainEnv(deployment)).not.toHaveProperty('ZENML_SERVER_PRO_WORKSPACE_NAME');
      expect(plainEnv(deployment).ZENML_SERVER_PRO_WORKSPACE_ID).toBe('6f1c2b1e-0000-4000-8000-000000000002');
    });

    it.runIf(label === 'helm 4')('warns in NOTES that `zenml:` is deprecated on the newer line only', () => {
      // Helm 3's --dry-run=client still asks a cluster for its version, so only Helm 4 renders NOTES offline.
      const notes = (version: string, root: 'zenml' | 'server') => {
        const run = helm.run(['install', 'zenml', chartPath('zenml', version), '--dry-run=client', '--values', helm.valuesFile(valuesUnder(root))]);
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        return run.stdout.slice(run.stdout.indexOf('NOTES:'));
      };
      expect(notes('0.93.0', 'zenml')).toContain('the `zenml:` values key is deprecated');
      expect(notes('0.93.0', 'server')).not.toContain('deprecated');
      expect(notes('0.82.0', 'zenml')).not.toContain('deprecated');
    });
  });

  describe('other values', () => {
    const chart = chartPath('zenml', '0.93.0');

    it('names objects <release>-zenml for another release, keeping the service account name', () => {
      const rendered = helm.template(chart, valuesUnder('server'), 'ws1');
      expect(rendered.ok).toBe(true);
      expect(names(rendered.objects)).toEqual([
        'Deployment/ws1-zenml', 'Ingress/ws1-zenml', 'Job/ws1-zenml-db-migration', 'Secret/ws1-zenml', 'Secret/ws1-zenml-db-migration',
        'Service/ws1-zenml', 'ServiceAccount/zenml', 'ServiceAccount/zenml-db-migration',
      ]);
    });

    it('makes up a JWT key when none is pinned, a new one on each render without a cluster', () => {
      const jwt = () => {
        const rendered = helm.template(chart, valuesUnder('server', settingsWith('auth.jwtSecretKey', undefined)));
        expect(rendered.ok).toBe(true);
        return secretData(find(rendered.objects, 'Secret', 'zenml')).ZENML_SERVER_JWT_SECRET_KEY;
      };
      const first = jwt();
      expect(first).toMatch(/^[A-Za-z0-9]{64}$/);
      expect(jwt()).not.toBe(first);
    });

    it('keeps the migration hook objects after success when debug is on', () => {
      const rendered = helm.template(chart, valuesUnder('server', settingsWith('debug', true)));
      expect(hookOf(find(rendered.objects, 'Job', 'zenml-db-migration')).policy).toBe('before-hook-creation');
    });

    it('takes the database password from an existing Secret by reference', () => {
      const rendered = helm.template(chart, valuesUnder('server', settingsWith('database.passwordSecretRef', { name: 'db-creds', key: 'password' })));
      const env = firstContainer(find(rendered.objects, 'Deployment', 'zenml')).env ?? [];
      expect(env.find((e) => e.name === 'ZENML_STORE_PASSWORD')).toEqual({
        name: 'ZENML_STORE_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } },
      });
    });
  });
});
