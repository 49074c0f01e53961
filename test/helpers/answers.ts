// A valid self-hosted answers object to derive test cases from.
export function baseAnswers(): Record<string, any> {
  return {
    apiVersion: 'zenml-pro-installer/v1',
    scenario: 'self-hosted',
    cluster: { tls: { provisioning: 'manual', wildcard: true, certFile: 'tls.crt', keyFile: 'tls.key' } },
    images: { source: 'zenml-ecr' },
    controlPlane: {
      version: '0.13.0',
      hostname: 'zenml-pro.example.com',
      database: { type: 'mysql', host: 'db.example.com', username: 'cp', password: { fromEnv: 'CP_DB_PASSWORD' } },
    },
    workspaces: [
      {
        name: 'ml',
        version: '0.93.0',
        hostname: 'ml.example.com',
        database: { host: 'db.example.com', name: 'zenml_ml', username: 'ml', password: { fromEnv: 'ML_DB_PASSWORD' } },
        enrollment: { mode: 'manual', organizationId: 'org-1', workspaceId: 'ws-1', enrollmentKey: { fromEnv: 'ML_ENROLLMENT_KEY' } },
      },
    ],
  };
}

export function secondWorkspace(overrides: Record<string, any> = {}): Record<string, any> {
  return {
    name: 'research',
    version: '0.92.0',
    hostname: 'research.example.com',
    database: { host: 'db.example.com', name: 'zenml_research', username: 'r', password: { fromEnv: 'R_DB_PASSWORD' } },
    enrollment: { mode: 'manual', organizationId: 'org-1', workspaceId: 'ws-2', enrollmentKey: { fromEnv: 'R_ENROLLMENT_KEY' } },
    ...overrides,
  };
}
