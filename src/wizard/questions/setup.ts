// Questions of the first sections: scenario, cluster, registry & images, TLS.
import { imageRepositories } from '../../answers/derived.js';
import type { Answers } from '../../answers/schema.js';
import { getAt } from '../path.js';
import { imageRepositoryProblem, registryProblem } from '../../answers/oci-reference.js';
import { enumChoices, fileCheck, flagBinding, secret, select, text, valueCheck, yesNo, type Question, type WizardData } from '../question.js';

export function scenarioQuestions(d: WizardData): Question[] {
  const qs: Question[] = [
    select(
      'scenario',
      'scenario',
      ['scenario'],
      'Scenario',
      enumChoices(['scenario'], {
        'self-hosted': 'control plane and workspaces in this cluster',
        hybrid: 'workspaces here, enrolled in the ZenML Pro SaaS (or a control plane elsewhere)',
        'workspace-only': 'add workspaces to an existing self-hosted control plane',
      }),
      { help: 'Which parts of ZenML Pro this installer puts into your cluster.' },
    ),
  ];
  if (d.raw.scenario !== 'hybrid' && d.raw.scenario !== 'workspace-only') {
    qs.push(select('scenario', 'airGapped', ['airGapped'], 'Air-gapped', yesNo('the cluster can pull from the internet', 'images from your registry, charts from local files')));
  }
  return qs;
}

export function clusterQuestions(d: WizardData): Question[] {
  const path = ['cluster', 'context'];
  const fromFile = getAt(d.raw, path);
  const contexts = [...d.contexts];
  if (typeof fromFile === 'string' && fromFile !== '' && !contexts.includes(fromFile)) contexts.push(fromFile);
  const context: Question =
    contexts.length > 0
      ? select(
          'cluster',
          'cluster.context',
          path,
          'Kube context',
          contexts.map((c) => ({ value: c, label: c, ...(c === d.currentContext ? { hint: 'current' } : c === fromFile && !d.contexts.includes(c) ? { hint: 'from the answers file; not in your kubeconfig' } : {}) })),
          { defaultValue: d.currentContext },
        )
      : text('cluster', 'cluster.context', path, 'Kube context', { optional: true, placeholder: 'the current context' });
  return [context, text('cluster', 'cluster.ingress.className', ['cluster', 'ingress', 'className'], 'Ingress class')];
}

function repositoryPlaceholders(d: WizardData): { api: string; dashboard: string; server: string } {
  const source = getAt(d.raw, ['images', 'source']);
  const registry = getAt(d.raw, ['images', 'registry']);
  const images = {
    source: source === 'zenml-gar' || source === 'private' ? source : 'zenml-ecr',
    registry: typeof registry === 'string' ? registry : '<registry>',
    auth: { method: 'none' },
    pullSecretName: 'image-pull-secret',
    repositories: {},
  } satisfies Answers['images'];
  return imageRepositories(images);
}

/** A chart given as a path (not an oci:// or https:// reference) must be there to read: a .tgz or a chart directory. */
function localChartCheck(label: string): (text: string, d: WizardData) => string | undefined {
  const file = fileCheck(label, 'file-or-directory');
  return (text, d) => (text.includes('://') ? undefined : file(text, d));
}

export function imageQuestions(d: WizardData): Question[] {
  const raw = d.raw;
  const selfHosted = raw.scenario !== 'hybrid' && raw.scenario !== 'workspace-only';
  const airGapped = selfHosted && raw.airGapped === true;
  const source = getAt(raw, ['images', 'source']);
  const method = getAt(raw, ['images', 'auth', 'method']) ?? 'none';
  const qs: Question[] = [
    select(
      'images',
      'images.source',
      ['images', 'source'],
      'Image source',
      enumChoices(['images', 'source'], { 'zenml-ecr': "ZenML's AWS ECR (ZenML grants access)", 'zenml-gar': "ZenML's Google Artifact Registry", private: 'your own registry (mirror)' }),
      { defaultValue: airGapped ? 'private' : undefined },
    ),
  ];
  if (source === 'private') qs.push(text('images', 'images.registry', ['images', 'registry'], 'Registry and prefix', { placeholder: 'registry.internal.example.com/zenml', check: valueCheck('Registry and prefix', registryProblem) }));
  qs.push(
    select(
      'images',
      'images.auth.method',
      ['images', 'auth', 'method'],
      'Registry authentication',
      enumChoices(['images', 'auth', 'method'], {
        none: 'nodes can already pull',
        'iam-role': 'the node IAM role ZenML granted access to',
        'gcp-service-account': 'the GCP service account ZenML granted access to',
        'docker-credentials': 'a pull secret in every namespace',
      }),
    ),
  );
  if (method === 'iam-role') qs.push(text('images', 'images.auth.roleArn', ['images', 'auth', 'roleArn'], 'IAM role ARN', { optional: true }));
  if (method === 'gcp-service-account') qs.push(text('images', 'images.auth.serviceAccount', ['images', 'auth', 'serviceAccount'], 'GCP service account', { optional: true }));
  if (method === 'docker-credentials') {
    qs.push(
      text('images', 'images.auth.server', ['images', 'auth', 'server'], 'Registry server', { optional: true, placeholder: repositoryPlaceholders(d).server.split('/')[0] ?? '', help: 'Host the pull secret is for; empty: the host of the images.' }),
      text('images', 'images.auth.username', ['images', 'auth', 'username'], 'Registry username', { help: 'ECR: AWS; GAR with a key file: _json_key_base64.' }),
      secret('images', 'images.auth.password', ['images', 'auth', 'password'], 'Registry password'),
    );
  }
  const overrideId = 'images.override';
  const override = flagBinding(overrideId, (x) => Object.keys((getAt(x.raw, ['images', 'repositories']) as object | undefined) ?? {}).length > 0);
  qs.push(select('images', overrideId, ['images', 'repositories'], 'Override image repositories', yesNo('derive them from the source', 'name each repository yourself'), { flag: override, defaultValue: false, inSummary: false }));
  if (override.read(d) === true) {
    const placeholders = repositoryPlaceholders(d);
    const kinds = selfHosted ? (['api', 'dashboard', 'server'] as const) : (['server'] as const);
    for (const kind of kinds) {
      const label = `${kind[0]?.toUpperCase() ?? ''}${kind.slice(1)} image repository`;
      qs.push(text('images', `images.repositories.${kind}`, ['images', 'repositories', kind], label, { optional: true, placeholder: placeholders[kind], check: valueCheck(label, imageRepositoryProblem) }));
    }
  }
  if (selfHosted) qs.push(text('images', 'controlPlane.version', ['controlPlane', 'version'], 'Control-plane version', { placeholder: '0.13.0', help: 'zenml-pro chart version; its own line (0.13.x), independent of the workspace servers (0.9x).' }));
  if (airGapped) {
    qs.push(
      text('images', 'charts.controlPlane', ['charts', 'controlPlane'], 'Control-plane chart', { defaultValue: undefined, placeholder: './charts/zenml-pro-<version>.tgz', check: localChartCheck('Control-plane chart') }),
      text('images', 'charts.workspace', ['charts', 'workspace'], 'Workspace chart', { defaultValue: undefined, placeholder: './charts/zenml-<version>.tgz', check: localChartCheck('Workspace chart') }),
    );
  }
  return qs;
}

export function tlsQuestions(d: WizardData): Question[] {
  const tls = ['cluster', 'tls'];
  const provisioning = getAt(d.raw, [...tls, 'provisioning']) ?? 'manual';
  const ca = getAt(d.raw, [...tls, 'ca']);
  const qs: Question[] = [
    select('tls', 'tls.provisioning', [...tls, 'provisioning'], 'Certificates', enumChoices([...tls, 'provisioning'], { manual: 'you give the certificate files', 'cert-manager': 'an issuer makes them', 'cloud-managed': 'the load balancer terminates TLS' })),
  ];
  if (provisioning === 'cert-manager') {
    qs.push(
      text('tls', 'tls.certManager.issuer', [...tls, 'certManager', 'issuer'], 'cert-manager issuer', { help: 'The (Cluster)Issuer that signs the certificates.' }),
      select('tls', 'tls.certManager.kind', [...tls, 'certManager', 'kind'], 'Issuer kind', enumChoices([...tls, 'certManager', 'kind'])),
    );
  }
  qs.push(select('tls', 'tls.ca', [...tls, 'ca'], 'Certificate authority', enumChoices([...tls, 'ca'], { public: 'browsers trust it already', private: 'your company CA', 'self-signed': 'a CA you made yourself' })));
  if (ca === 'private' || ca === 'self-signed') qs.push(text('tls', 'tls.caFile', [...tls, 'caFile'], 'CA certificate file', { placeholder: './tls/ca.pem', check: fileCheck('CA certificate file') }));
  if (provisioning === 'manual') {
    qs.push(select('tls', 'tls.wildcard', [...tls, 'wildcard'], 'One wildcard certificate', yesNo('one certificate per host (asked with each host)', 'e.g. *.zenml.example.com for every host')));
    if (getAt(d.raw, [...tls, 'wildcard']) === true) {
      qs.push(
        text('tls', 'tls.certFile', [...tls, 'certFile'], 'Wildcard certificate file', { placeholder: './tls/wildcard.crt', check: fileCheck('Wildcard certificate file') }),
        text('tls', 'tls.keyFile', [...tls, 'keyFile'], 'Wildcard key file', { placeholder: './tls/wildcard.key', check: fileCheck('Wildcard key file') }),
      );
    }
  }
  return qs;
}
