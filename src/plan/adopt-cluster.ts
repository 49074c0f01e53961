// The settings all releases share in the answers (cluster ingress and TLS,
// proxy, images), read from the first release that sets each.
import type { Adoption, AdoptRelease } from './adopt-state.js';
import { hostOf } from './adopt-components.js';
import { boolAt, imagesOf, objectAt, setIn, stringAt, type Values } from './adopt-values.js';

/** Ingress class, annotations and TLS, from the first release with an ingress. */
export function clusterOf(views: readonly { r: AdoptRelease; view: Values }[], context: string, ad: Adoption): Values {
  const cluster: Values = { context };
  const first = views.find((v) => objectAt(v.view, 'ingress'));
  const ingress = first ? objectAt(first.view, 'ingress') ?? {} : {};
  const annotations = { ...(objectAt(ingress, 'annotations') ?? {}) };
  const className = stringAt(ingress, 'className');
  const issuerKey = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'].find((k) => typeof annotations[k] === 'string' && annotations[k] !== '');
  let tls: Values;
  if (boolAt(ingress, 'tls', 'enabled') !== true) tls = { provisioning: 'cloud-managed' };
  else if (issuerKey) {
    tls = { provisioning: 'cert-manager', certManager: { issuer: annotations[issuerKey], kind: issuerKey === 'cert-manager.io/issuer' ? 'Issuer' : 'ClusterIssuer' } };
    delete annotations[issuerKey];
  } else {
    tls = manualTls(views.flatMap((v) => {
      const host = hostOf(v.view);
      const secret = stringAt(v.view, 'ingress', 'tls', 'secretName');
      return host && secret ? [{ host, secret, namespace: v.r.namespace }] : [];
    }), ad);
  }
  const plain = Object.fromEntries(Object.entries(annotations).filter(([, v]) => typeof v === 'string'));
  cluster.ingress = { ...(className ? { className } : {}), ...(Object.keys(plain).length > 0 ? { annotations: plain } : {}) };
  cluster.tls = tls;
  const proxy = views.map((v) => objectAt(v.view, 'proxy')).find((p) => p?.enabled === true);
  if (proxy) {
    const noProxy = Array.isArray(proxy.additionalNoProxy) ? proxy.additionalNoProxy.filter((h): h is string => typeof h === 'string') : [];
    cluster.proxy = { ...(stringAt(proxy, 'httpProxy') ? { httpProxy: stringAt(proxy, 'httpProxy') } : {}), ...(stringAt(proxy, 'httpsProxy') ? { httpsProxy: stringAt(proxy, 'httpsProxy') } : {}), noProxy };
  }
  return cluster;
}

/**
 * Certificates the installer manages itself: it re-applies their Secrets from
 * files, which the values do not hold. One Secret for every host is a wildcard
 * certificate; otherwise each host has its own.
 */
function manualTls(served: readonly { host: string; secret: string; namespace: string }[], ad: Adoption): Values {
  const save = (s: { secret: string; namespace: string }): string =>
    `save them from the TLS Secret it serves (\`kubectl -n ${s.namespace} get secret ${s.secret} -o jsonpath='{.data.tls\\.crt}' | base64 -d > tls.crt\`, and tls.key likewise)`;
  const [one] = served;
  if (one && served.every((s) => s.secret === one.secret)) {
    for (const field of ['certFile', 'keyFile']) {
      ad.problem(`cluster.tls.${field}`, `the ingresses serve one certificate, which the installer re-applies from files: ${save(one)}`, (d) => setIn(d, ['cluster', 'tls', field], `fill-in.${field}`));
    }
    return { provisioning: 'manual', wildcard: true };
  }
  for (const s of served) {
    ad.problem(`cluster.tls.hosts.${s.host}`, `the ingress of ${s.host} serves a certificate the installer re-applies from files (certFile, keyFile): ${save(s)}`,
      (d) => setIn(d, ['cluster', 'tls', 'hosts', s.host], { certFile: 'fill-in.crt', keyFile: 'fill-in.key' }));
  }
  return { provisioning: 'manual' };
}

export function imagesAnswers(cp: Values | undefined, views: readonly { r: AdoptRelease; view: Values }[], releases: readonly AdoptRelease[], ad: Adoption): Values {
  const server = views.map((v) => stringAt(v.view, 'image', 'repository')).find((s) => s !== undefined);
  const found = {
    ...(cp && stringAt(cp, 'image', 'api', 'repository') ? { api: stringAt(cp, 'image', 'api', 'repository') } : {}),
    ...(cp && stringAt(cp, 'image', 'dashboard', 'repository') ? { dashboard: stringAt(cp, 'image', 'dashboard', 'repository') } : {}),
    ...(server ? { server } : {}),
  };
  const images: Values = { ...(imagesOf(found) ?? {}) };
  if (images.source === undefined) {
    ad.problem('images.source', 'no release names its image repository (each runs its chart\'s default image): set zenml-ecr, zenml-gar, or private with images.registry', (d) => setIn(d, ['images', 'source'], 'zenml-ecr'));
  } else if (images.source === 'private' && images.registry === undefined) {
    ad.problem('images.registry', 'the image repositories name no registry folder: give your registry and prefix, e.g. registry.example.com/zenml', (d) => setIn(d, ['images', 'registry'], 'registry.fill-in.invalid/zenml'));
  }
  const pull = releases.map((r) => r.values.imagePullSecrets).find((p) => Array.isArray(p) && p.length > 0);
  const name = Array.isArray(pull) && pull.length === 1 ? stringAt(pull[0], 'name') : undefined;
  if (name) {
    images.pullSecretName = name;
    images.auth = {
      method: 'docker-credentials',
      password: ad.secret('images.auth.password', undefined, 'images.auth.password', `the releases pull with Secret ${name}, which the installer re-creates in every namespace from images.auth: give the registry password`),
    };
    ad.problem('images.auth.username', `the releases pull with Secret ${name}, which the installer re-creates in every namespace from images.auth: give the registry user (ECR: AWS; GAR with a key file: _json_key_base64)`,
      (d) => setIn(d, ['images', 'auth', 'username'], 'fill-in'));
  }
  return images;
}
