// The stand-in zenml-pro (control plane) chart rendered by real Helm 4 and
// Helm 3: objects, images, env and secrets with complete values, and a failed
// render naming the key for every missing or malformed required value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HELMS, HelmRunner, chartPath, find, firstContainer, names, packageCharts, plainEnv, podSpec, secretData,
  type K8sObject,
} from './charts-helm.js';

const VERSIONS = ['0.12.0', '0.13.0', '0.14.0'] as const;
const ADMIN_PASSWORD = 'Adm1n-pass-for-tests';
const DB_PASSWORD = 'db-pass-for-tests';
const SSO_SECRET = 'sso-client-secret-for-tests';

function completeValues(): Record<string, unknown> {
  return {
    imagePullSecrets: [{ name: 'image-pull-secret' }],
    resources: { requests: { cpu: '500m', memory: '1Gi' } },
    zenml: {
      image: {
        api: { repository: 'registry.example.com/zenml/zenml-pro-api' },
        dashboard: { repository: 'registry.example.com/zenml/zenml-pro-dashboard' },
      },
      replicaCount: 2,
      serverURL: 'https://zenml-pro.example.com',
      database: { external: { type: 'mysql', host: 'mysql.example.com', username: 'zenml', password: DB_PASSWORD, database: 'zenml_pro' } },
      auth: {
        password: { enabled: true, adminPassword: ADMIN_PASSWORD },
        sso: { enabled: true, oidcConfigurationEndpoint: 'https://idp.example.com/.well-known/openid-configuration', clientID: 'zenml', clientSecret: SSO_SECRET },
        authCookieDomain: '.example.com',
      },
      ingress: { enabled: true, className: 'nginx', tls: { enabled: true, secretName: 'zenml-tls' } },
    },
  };
}

/** completeValues() with dotted paths set (undefined deletes one). */
function valuesWith(changes: Record<string, unknown>): Record<string, unknown> {
  const values = completeValues();
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    let node = values;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    const last = keys.at(-1)!;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  return values;
}

beforeAll(() => {
  packageCharts();
});

describe.each(HELMS)('zenml-pro chart with $label', ({ bin }) => {
  const helm = new HelmRunner(bin);
  afterAll(() => helm.cleanup());

  describe.each(VERSIONS)('version %s with complete values', (version) => {
    let objects: readonly K8sObject[] | undefined;
    const render = () => {
      if (!objects) {
        const rendered = helm.template(chartPath('zenml-pro', version), completeValues(), 'zenml-pro', 'zenml-pro');
        expect(rendered.stderr).toBe('');
        expect(rendered.ok).toBe(true);
        objects = rendered.objects;
      }
      return objects;
    };

    it('renders the API and dashboard Deployments, their Services, the Ingress and the Secret', () => {
      const objects = render();
      expect(names(objects)).toEqual([
        'Deployment/zenml-pro', 'Deployment/zenml-pro-dashboard', 'Ingress/zenml-pro', 'Secret/zenml-pro',
        'Service/zenml-pro', 'Service/zenml-pro-dashboard',
      ]);
      for (const service of ['zenml-pro', 'zenml-pro-dashboard']) {
        expect(find(objects, 'Service', service)).toMatchObject({ spec: { type: 'ClusterIP', ports: [{ port: 80 }] } });
      }
      const ingress = find(objects, 'Ingress', 'zenml-pro');
      expect(ingress).toMatchObject({
        spec: { ingressClassName: 'nginx', tls: [{ hosts: ['zenml-pro.example.com'], secretName: 'zenml-tls' }], rules: [{ host: 'zenml-pro.example.com' }] },
      });
    });

    it('tags both images with the chart version and applies pull secrets, replicas and resources', () => {
      const objects = render();
      const api = find(objects, 'Deployment', 'zenml-pro');
      const dashboard = find(objects, 'Deployment', 'zenml-pro-dashboard');
      expect(firstContainer(api).image).toBe(`registry.example.com/zenml/zenml-pro-api:${version}`);
      expect(firstContainer(dashboard).image).toBe(`registry.example.com/zenml/zenml-pro-dashboard:${version}`);
      for (const deployment of [api, dashboard]) {
        expect(deployment).toMatchObject({ spec: { replicas: 2 } });
        expect(podSpec(deployment).imagePullSecrets).toEqual([{ name: 'image-pull-secret' }]);
        expect(firstContainer(deployment).resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' } });
      }
    });

    it('keeps passwords in the Secret and out of the pod spec', () => {
      const objects = render();
      expect(secretData(find(objects, 'Secret', 'zenml-pro'))).toEqual({
        ZENML_CLOUD_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ZENML_DATABASE_PASSWORD: DB_PASSWORD,
        ZENML_AUTH_SSO_CLIENT_SECRET: SSO_SECRET,
      });
      const api = find(objects, 'Deployment', 'zenml-pro');
      expect(plainEnv(api)).toMatchObject({
        ZENML_SERVER_URL: 'https://zenml-pro.example.com',
        ZENML_DATABASE_TYPE: 'mysql',
        ZENML_DATABASE_HOST: 'mysql.example.com',
        ZENML_DATABASE_PORT: '3306',
        ZENML_DATABASE_NAME: 'zenml_pro',
        ZENML_AUTH_SSO_ENABLED: 'true',
        ZENML_AUTH_SSO_CLIENT_ID: 'zenml',
        ZENML_AUTH_COOKIE_DOMAIN: '.example.com',
      });
      expect(firstContainer(api).envFrom).toEqual([{ secretRef: { name: 'zenml-pro' } }]);
      const podYaml = JSON.stringify(objects.filter((o) => o.kind === 'Deployment'));
      for (const secret of [ADMIN_PASSWORD, DB_PASSWORD, SSO_SECRET]) expect(podYaml).not.toContain(secret);
    });
  });

  describe('version 0.14.0 with other values', () => {
    const chart = chartPath('zenml-pro', '0.14.0');

    it.each([
      ['zenml.serverURL', undefined, 'zenml.serverURL is required'],
      ['zenml.serverURL', 'http://zenml-pro.example.com', 'zenml.serverURL must be an https URL with a host'],
      ['zenml.serverURL', 'zenml-pro.example.com', 'zenml.serverURL must be an https URL with a host'],
      ['zenml.database.external.type', '', 'zenml.database.external.type is required'],
      ['zenml.database.external.type', 'postgresql', 'zenml.database.external.type must be mysql or postgres'],
      ['zenml.database.external.host', undefined, 'zenml.database.external.host is required'],
      ['zenml.database.external.username', '', 'zenml.database.external.username is required'],
      ['zenml.database.external.password', undefined, 'zenml.database.external.password is required'],
      ['zenml.database.external.database', '', 'zenml.database.external.database is required'],
      ['zenml.auth.sso.oidcConfigurationEndpoint', '', 'zenml.auth.sso.oidcConfigurationEndpoint is required'],
      ['zenml.auth.sso.clientID', undefined, 'zenml.auth.sso.clientID is required'],
      ['zenml.auth.sso.clientSecret', '', 'zenml.auth.sso.clientSecret is required'],
      ['zenml.ingress.tls.secretName', '', 'zenml.ingress.tls.secretName is required'],
    ])('fails when %s is %j, naming it', (path, value, message) => {
      const rendered = helm.template(chart, valuesWith({ [path]: value }), 'zenml-pro', 'zenml-pro');
      expect(rendered.ok).toBe(false);
      expect(rendered.stderr).toContain(message);
    });

    it('does not ask for the SSO keys when SSO is off', () => {
      const values = valuesWith({ 'zenml.auth.sso': { enabled: false } });
      const rendered = helm.template(chart, values, 'zenml-pro', 'zenml-pro');
      expect(rendered.ok).toBe(true);
      expect(Object.keys(secretData(find(rendered.objects, 'Secret', 'zenml-pro')))).not.toContain('ZENML_AUTH_SSO_CLIENT_SECRET');
    });

    it('makes up an admin password when none is given, a new one on each render without a cluster', () => {
      const password = () => {
        const rendered = helm.template(chart, valuesWith({ 'zenml.auth.password.adminPassword': undefined }), 'zenml-pro', 'zenml-pro');
        expect(rendered.ok).toBe(true);
        return secretData(find(rendered.objects, 'Secret', 'zenml-pro')).ZENML_CLOUD_ADMIN_PASSWORD;
      };
      const first = password();
      expect(first).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(password()).not.toBe(first);
    });

    it('names objects after the release, honours a pinned tag and the postgres default port, and can skip the Ingress', () => {
      const values = valuesWith({
        'zenml.image.api.tag': '0.14.1-hotfix',
        'zenml.database.external.type': 'postgres',
        'zenml.ingress.enabled': false,
      });
      const rendered = helm.template(chart, values, 'cp', 'zenml-pro');
      expect(rendered.ok).toBe(true);
      expect(names(rendered.objects)).toEqual(['Deployment/cp', 'Deployment/cp-dashboard', 'Secret/cp', 'Service/cp', 'Service/cp-dashboard']);
      const api = find(rendered.objects, 'Deployment', 'cp');
      expect(firstContainer(api).image).toBe('registry.example.com/zenml/zenml-pro-api:0.14.1-hotfix');
      expect(firstContainer(find(rendered.objects, 'Deployment', 'cp-dashboard')).image).toBe('registry.example.com/zenml/zenml-pro-dashboard:0.14.0');
      expect(plainEnv(api).ZENML_DATABASE_PORT).toBe('5432');
    });
  });
});
