// The wizard's sections, in order. The control plane section depends on the
// scenario: self-hosted deploys one, hybrid and workspace-only point at one.
export type SectionId = 'scenario' | 'cluster' | 'images' | 'tls' | 'controlPlane' | 'existingControlPlane' | 'workspaces' | 'workloadManager' | 'advanced' | 'review';

export const SECTION_TITLES: Readonly<Record<SectionId, string>> = {
  scenario: 'Scenario',
  cluster: 'Cluster',
  images: 'Registry & images',
  tls: 'TLS',
  controlPlane: 'Control plane',
  existingControlPlane: 'Existing control plane',
  workspaces: 'Workspaces',
  workloadManager: 'Workload manager',
  advanced: 'Advanced',
  review: 'Review',
};

export function sectionsFor(scenario: unknown): readonly SectionId[] {
  const controlPlane: SectionId = scenario === 'hybrid' || scenario === 'workspace-only' ? 'existingControlPlane' : 'controlPlane';
  return ['scenario', 'cluster', 'images', 'tls', controlPlane, 'workspaces', 'workloadManager', 'advanced', 'review'];
}

/** `3/8 Registry & images` */
export function sectionPosition(scenario: unknown, section: SectionId): { index: number; total: number; title: string } {
  const all = sectionsFor(scenario);
  return { index: all.indexOf(section) + 1, total: all.length, title: SECTION_TITLES[section] };
}
