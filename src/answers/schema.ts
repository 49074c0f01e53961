// The answers model: everything an operator decides for a ZenML Pro
// deployment. The wizard, --answers files and every command share it.
// Structure and per-field rules live here; rules that compare fields live in rules.ts.
import { z } from 'zod';
import { extraValues, hostname, httpsUrl, namespace, podDisruptionBudget, port, releaseName, resources, stringMap, version } from './fields.js';
import { generatableSecretRef, secretRef } from './secret-ref.js';
import { imageReferenceProblem, imageRepositoryProblem, ociRefinement, registryProblem } from './oci-reference.js';

const registry = z.string().min(1).superRefine(ociRefinement(registryProblem));
const imageRepository = z.string().min(1).superRefine(ociRefinement(imageRepositoryProblem));

export const API_VERSION = 'zenml-pro-installer/v1';

export const SAAS_API_URL = 'https://cloudapi.zenml.io';
export const DEFAULT_CONTROL_PLANE_CHART = 'oci://public.ecr.aws/zenml/zenml-pro';
export const DEFAULT_WORKSPACE_CHART = 'oci://public.ecr.aws/zenml/zenml';

const databaseTls = z
  .strictObject({
    enabled: z.boolean().default(true),
    caFile: z.string().min(1).optional().meta({ description: 'PEM file of the CA that signed the database server certificate.' }),
    verifyServerCert: z.boolean().default(true),
  })
  .optional()
  .meta({ description: 'TLS to the database server.' });

const controlPlaneDatabase = z.strictObject({
  type: z.enum(['mysql', 'postgres']).default('mysql').meta({ description: 'Control-plane database engine: MySQL 8.0+ or PostgreSQL 12+.' }),
  host: z.string().min(1).meta({ description: 'Database host name as seen from the cluster.' }),
  port: port.optional().meta({ description: 'Defaults to 3306 (MySQL) or 5432 (PostgreSQL).' }),
  name: z.string().min(1).default('zenml_pro').meta({ description: 'Database name; created on first start if the user may CREATE DATABASE.' }),
  username: z.string().min(1),
  password: secretRef,
  tls: databaseTls,
});

const workspaceDatabase = z.strictObject({
  type: z
    .enum(['mysql'], { error: 'workspace servers support MySQL only; use a MySQL 8.0+ database' })
    .default('mysql')
    .meta({ description: 'Workspace servers support MySQL 8.0+ only.' }),
  host: z.string().min(1),
  port: port.default(3306),
  name: z.string().min(1).meta({ description: 'Database name, distinct for every workspace and from the control plane.' }),
  username: z.string().min(1),
  password: secretRef,
  tls: databaseTls,
  poolSize: z.number().int().min(1).default(10).meta({ description: 'Database connection pool size (the guide: 10).' }),
  maxOverflow: z.number().int().min(-1).default(-1).meta({ description: 'Connections allowed beyond poolSize; -1 means no limit (the guide: -1).' }),
});

const tls = z
  .strictObject({
    provisioning: z
      .enum(['manual', 'cert-manager', 'cloud-managed'])
      .default('manual')
      .meta({ description: 'manual: you give certificate files; cert-manager: an issuer makes them; cloud-managed: the load balancer terminates TLS.' }),
    ca: z
      .enum(['public', 'private', 'self-signed'])
      .default('public')
      .meta({ description: 'Who signed the certificates. Private and self-signed CAs must be trusted by the servers and by every client.' }),
    caFile: z.string().min(1).optional().meta({ description: 'PEM file of the private or self-signed CA.' }),
    wildcard: z.boolean().default(false).meta({ description: 'One certificate (e.g. *.zenml.example.com) for every host.' }),
    certFile: z.string().min(1).optional().meta({ description: 'Wildcard certificate PEM (manual + wildcard).' }),
    keyFile: z.string().min(1).optional().meta({ description: 'Wildcard certificate private key PEM (manual + wildcard).' }),
    hosts: z
      .record(z.string(), z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }))
      .default({})
      .meta({ description: 'Per-host certificate and key files (manual, not wildcard), keyed by host name.' }),
    certManager: z
      .strictObject({ issuer: z.string().min(1), kind: z.enum(['ClusterIssuer', 'Issuer']).default('ClusterIssuer') })
      .optional(),
  })
  .prefault({});

const cluster = z
  .strictObject({
    kubeconfig: z.string().min(1).optional().meta({ description: 'Path of the kubeconfig; defaults to $KUBECONFIG or ~/.kube/config.' }),
    context: z.string().min(1).optional().meta({ description: 'kube context to install into; pinned for every helm and kubectl call.' }),
    ingress: z
      .strictObject({
        className: z.string().min(1).default('nginx').meta({ description: 'IngressClass of the cluster ingress controller.' }),
        annotations: stringMap.default({}),
      })
      .prefault({}),
    tls,
    proxy: z
      .strictObject({
        httpProxy: z.string().optional(),
        httpsProxy: z.string().optional(),
        noProxy: z.array(z.string()).default([]),
      })
      .optional()
      .meta({ description: 'Outbound HTTP proxy for the servers.' }),
  })
  .prefault({});

const images = z
  .strictObject({
    source: z
      .enum(['zenml-ecr', 'zenml-gar', 'private'])
      .meta({ description: "Where the images come from: ZenML's ECR or GAR (access granted by ZenML), or your own registry." }),
    registry: registry.optional().meta({ description: 'Private registry and prefix, e.g. registry.internal.example.com/zenml (no scheme).' }),
    auth: z
      .strictObject({
        method: z
          .enum(['none', 'iam-role', 'gcp-service-account', 'docker-credentials'])
          .default('none')
          .meta({ description: 'How nodes authenticate to the registry. docker-credentials creates a pull secret in every namespace.' }),
        roleArn: z.string().optional().meta({ description: 'IAM role ZenML granted pull access to (iam-role; informational).' }),
        serviceAccount: z.string().optional().meta({ description: 'GCP service account ZenML granted access to (gcp-service-account; informational).' }),
        server: z.string().min(1).optional(),
        username: z.string().min(1).optional(),
        password: secretRef.optional(),
      })
      .prefault({}),
    pullSecretName: releaseName.default('image-pull-secret'),
    repositories: z
      .strictObject({ api: imageRepository.optional(), dashboard: imageRepository.optional(), server: imageRepository.optional() })
      .default({})
      .meta({ description: 'Override one image repository; otherwise derived from the source.' }),
  })
  .meta({ description: 'Image registry and access.' });

const charts = z
  .strictObject({
    controlPlane: z.string().min(1).default(DEFAULT_CONTROL_PLANE_CHART).meta({ description: 'Control-plane chart: an oci:// reference or a local .tgz / directory.' }),
    workspace: z.string().min(1).default(DEFAULT_WORKSPACE_CHART).meta({ description: 'Workspace server chart: an oci:// reference or a local .tgz / directory.' }),
  })
  .prefault({});

const sso = z
  .strictObject({
    enabled: z.boolean().default(false),
    discoveryUrl: httpsUrl.optional().meta({ description: 'OIDC discovery URL ending in /.well-known/openid-configuration.' }),
    clientId: z.string().min(1).optional(),
    clientSecret: secretRef.optional(),
  })
  .prefault({});

const controlPlane = z
  .strictObject({
    namespace: namespace.default('zenml-pro'),
    releaseName: releaseName.default('zenml-pro'),
    version: version.meta({ description: 'zenml-pro chart version (its own line, e.g. 0.13.0); the images use the same tag.' }),
    hostname: hostname.meta({ description: 'Host of the control plane UI and API, e.g. zenml-pro.example.com.' }),
    apiUrl: httpsUrl
      .optional()
      .meta({ description: 'The control-plane API when it has a hostname of its own (e.g. https://zenml-api.example.com/api/v1); workspaces, health checks and the report use it. Default: https://<hostname>/api/v1. Routing that host to the API is yours: the chart\'s docs name no key for it.' }),
    database: controlPlaneDatabase,
    passwordAuth: z.boolean().default(true).meta({ description: 'Local accounts and the reserved admin account.' }),
    adminPassword: generatableSecretRef.default({ generate: true }),
    apiToken: secretRef
      .optional()
      .meta({ description: 'A personal access token or service-account API key of a superuser, for automatic enrollment when password logins are off (SSO only). Default: the admin account.' }),
    sso,
    authCookieDomain: z.string().optional().meta({ description: 'Parent domain for UI cookies, e.g. .example.com.' }),
    replicas: z.number().int().min(1).default(1),
    podDisruptionBudget,
    resources,
    extraValues,
  })
  .meta({ description: 'The control plane this installer deploys (self-hosted).' });

const existingControlPlane = z
  .strictObject({
    apiUrl: httpsUrl.default(SAAS_API_URL).meta({ description: 'Control-plane API; self-hosted: https://<host>/api/v1. Default: the ZenML SaaS.' }),
    dashboardUrl: httpsUrl.optional().meta({ description: 'Control-plane UI; derived from apiUrl when omitted.' }),
    version: version.optional().meta({ description: 'Its version, when known, for the compatibility check.' }),
    apiToken: secretRef.optional().meta({ description: 'A personal access token or service-account API key, for automatic enrollment.' }),
  })
  .meta({ description: 'A control plane run elsewhere (hybrid, workspace-only).' });

const enrollment = z
  .strictObject({
    mode: z
      .enum(['automatic', 'manual'])
      .optional()
      .meta({ description: 'automatic: the installer enrolls the workspace through the control-plane API (the default when it has a credential: the admin account or controlPlane.apiToken when self-hosted, existingControlPlane.apiToken otherwise). manual: paste the values the control-plane UI shows (the default when they are given, or without a credential); a self-hosted install without them stops after the control plane is ready and says what to copy.' }),
    organization: z.string().min(1).optional().meta({ description: 'Organization to enroll into (automatic); default the top-level organization.name, else the control plane\'s only organization.' }),
    organizationId: z.string().min(1).optional(),
    organizationName: z.string().min(1).optional(),
    workspaceId: z.string().min(1).optional(),
    enrollmentKey: secretRef.optional(),
  })
  .prefault({});

const workloadManager = z
  .strictObject({
    enabled: z.boolean().default(false),
    implementation: z.enum(['kubernetes', 'aws', 'gcp']).default('kubernetes'),
    namespace: namespace.optional().meta({ description: 'Namespace for runner pods; default zenml-workload-manager.' }),
    serviceAccount: z.string().min(1).default('zenml-runner'),
    runnerImage: z.string().min(1).superRefine(ociRefinement(imageReferenceProblem)).optional().meta({ description: 'Pre-built runner image; leave empty to reuse snapshot images.' }),
    buildRunnerImage: z.boolean().default(false),
    registry: registry.optional().meta({ description: 'Registry runner images are pushed to when built.' }),
    awsBucket: z.string().optional().meta({ description: 'AWS only: s3://bucket/prefix for runner logs; setting it turns external logs on.' }),
    awsRegion: z.string().optional(),
    podResources: resources.meta({ description: 'Requests and limits of the runner pods.' }),
    ttlSecondsAfterFinished: z.number().int().min(0).optional().meta({ description: 'How long finished runner jobs are kept (default 2 days).' }),
    nodeSelector: stringMap.optional().meta({ description: 'Node labels runner pods must be scheduled on.' }),
    tolerations: z.array(z.record(z.string(), z.unknown())).optional().meta({ description: 'Kubernetes tolerations of the runner pods.' }),
    jobBackoffLimit: z.number().int().min(0).optional().meta({ description: 'Retries of a failed runner job.' }),
    maxConcurrentRuns: z.number().int().min(1).optional().meta({ description: 'Runs from the UI at once per workspace (default 2).' }),
  })
  .prefault({});

export const workspace = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lowercase letters, digits and inner hyphens (it names the namespace and `zenml login <name>`)')
    .max(50, 'is at most 50 characters'),
  namespace: namespace.optional().meta({ description: 'Defaults to zenml-workspace-<name>: one namespace per workspace.' }),
  releaseName: releaseName.default('zenml'),
  version: version.meta({ description: 'zenml chart version of this workspace server (its own line, e.g. 0.93.2); the image uses the same tag.' }),
  chart: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'This workspace\'s chart (oci:// reference or local .tgz / directory) when it differs from charts.workspace, e.g. for another version.' }),
  hostname: hostname.meta({ description: 'Host of this workspace server, e.g. ml.zenml.example.com.' }),
  database: workspaceDatabase,
  encryptionKey: generatableSecretRef.default({ generate: true }).meta({ description: '64 hex characters encrypting the secrets store. Never change it after first use.' }),
  jwtSecretKey: generatableSecretRef.default({ generate: true }).meta({ description: 'Signs sessions; pinned so re-renders do not log everyone out.' }),
  enrollment,
  workloadManager,
  replicas: z.number().int().min(1).default(1),
  podDisruptionBudget,
  threadPoolSize: z.number().int().min(1).default(10).meta({ description: 'Server worker threads (the guide: 10); database.poolSize + maxOverflow must cover it plus 5 auth threads.' }),
  resources: resources.meta({ description: 'Requests and limits of the server pods; default the guide\'s minimum: requests cpu 100m, memory 450Mi; limit memory 800Mi.' }),
  extraValues,
});

const organization = z
  .strictObject({
    name: z.string().min(1).max(50).meta({ description: 'Found by name, or created, on the control plane; workspaces enroll into it unless they name another.' }),
  })
  .meta({ description: 'The organization workspaces enroll into (automatic enrollment).' });

const user = z.strictObject({
  username: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, 'must start with a letter or digit and hold only letters, digits and . _ @ -')
    .max(100)
    .refine((u) => u !== 'admin', 'admin is the reserved account the chart creates; pick another name'),
  email: z.email().optional(),
  superuser: z.boolean().default(false).meta({ description: 'May manage organizations and users.' }),
  password: generatableSecretRef.default({ generate: true }).meta({ description: 'Generated into the install directory (0600) unless given by reference.' }),
});

export const answersSchema = z
  .strictObject({
    $schema: z.string().optional(),
    apiVersion: z.literal(API_VERSION, { message: `must be ${API_VERSION}` }),
    scenario: z
      .enum(['self-hosted', 'hybrid', 'workspace-only'])
      .meta({ description: 'self-hosted: control plane and workspaces here; hybrid: workspaces enrolled in a control plane run elsewhere (default the SaaS); workspace-only: add workspaces to an existing self-hosted control plane.' }),
    airGapped: z.boolean().default(false).meta({ description: 'No internet: images from a private registry, charts from local files.' }),
    cluster,
    images,
    charts,
    controlPlane: controlPlane.optional(),
    existingControlPlane: existingControlPlane.optional(),
    workspaces: z.array(workspace).min(1, 'needs at least one workspace'),
    organization: organization.optional(),
    users: z.array(user).optional().meta({ description: 'Local accounts created on the self-hosted control plane once it is ready (password logins on); each is listed in the report with how to log in.' }),
    upgrades: z
      .strictObject({
        databaseBackups: z
          .string()
          .min(1, 'must say where the backups are, e.g. "RDS snapshots, 7 days, and one taken before each upgrade"')
          .optional()
          .meta({ description: 'Where the databases are backed up before an upgrade migrates them (shown in the upgrade and its report); stands for --backup-confirmed.' }),
      })
      .optional()
      .meta({ description: 'Settings of `upgrade`.' }),
  })
  .meta({ title: 'zenml-pro-installer answers', description: 'Everything the installer needs to deploy ZenML Pro.' });

export type Answers = z.output<typeof answersSchema>;
export type AnswersInput = z.input<typeof answersSchema>;
export type Workspace = z.output<typeof workspace>;
export type User = z.output<typeof user>;
export type ControlPlane = z.output<typeof controlPlane>;
export type ExistingControlPlane = z.output<typeof existingControlPlane>;
