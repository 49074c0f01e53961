// `adopt`: answers that describe a deployment installed without this
// installer (plain `helm install` from the vendor guide), read back from its
// releases' values: the inverse of src/render/values.ts. Pure.
//
// What the answers model is mapped; secrets go into `secrets` by slot and the
// answers reference them as ./secrets/<slot> files. The result is then
// rendered with the real renderer and compared with what runs (adopt-check):
// a value the answers leave out is kept by the upgrade's hand-set merge and
// listed as unmapped; one they would render otherwise is kept in extraValues;
// nothing is invented: a required field the values do not hold is a problem.
import { proUrls } from '../answers/derived.js';
import { validateAnswers } from '../answers/load.js';
import { API_VERSION, DEFAULT_CONTROL_PLANE_CHART, DEFAULT_WORKSPACE_CHART, SAAS_API_URL, type Answers } from '../answers/schema.js';
import { secretSlots } from '../answers/secrets.js';
import { renderReleases, type ChartRead } from '../render/render.js';
import type { ChartRoot } from '../render/values.js';
import { compareRelease, type ComparePaths } from './adopt-check.js';
import { clusterOf, imagesAnswers } from './adopt-cluster.js';
import { controlPlaneAnswers, nameFor, workspaceAnswers, workspaceRoot } from './adopt-components.js';
import { Adoption, label, type AdoptRelease } from './adopt-state.js';
import { isPlainObject, objectAt, overlay, setIn, stringAt, type Values } from './adopt-values.js';

export { secretFile, type AdoptRelease } from './adopt-state.js';

export interface Adopted {
  /** Answers-shaped data; secrets only as { fromFile: ./secrets/<slot> }. */
  readonly answers: Values;
  /** The secret values the releases hold, by answers slot: never print them. */
  readonly secrets: readonly { readonly slot: string; readonly value: string }[];
  /** `<namespace>/<release>: <value path>` the answers leave out: the upgrade keeps them as set by hand. */
  readonly unmapped: readonly string[];
  /** What the operator should know: values kept in extraValues, chart defaults the answers set, assumptions. */
  readonly notes: readonly string[];
  /** `<answers field>: <what to fill in>`: the answers are not complete until these are done. */
  readonly problems: readonly string[];
}

const HEX64 = 'a'.repeat(64);

const byName = (a: AdoptRelease, b: AdoptRelease): number => label(a).localeCompare(label(b));

/** What the check renders against: where the running values place the budget, under their root. */
function chartRead(values: Readonly<Values>, root: string, what: string): ChartRead {
  const top = 'podDisruptionBudget' in values ? 'podDisruptionBudget: {}\n' : '';
  const under = isPlainObject(values[root]) && 'podDisruptionBudget' in values[root] ? '\n  podDisruptionBudget: {}' : ' {}';
  return { values: `${top}${root}:${under}`, source: `the running ${what}` };
}

/** The value paths of a release that hold secrets, and those of its image tags. */
function comparePaths(id: string, root: string): ComparePaths {
  if (id === 'control-plane') {
    return { secrets: new Set(['zenml.database.external.password', 'zenml.auth.password.adminPassword', 'zenml.auth.sso.clientSecret']), tags: new Set(['zenml.image.api.tag', 'zenml.image.dashboard.tag']) };
  }
  const url = `${root}.database.url`;
  return { secrets: new Set([url, `${root}.auth.jwtSecretKey`, `${root}.secretsStore.sql.encryptionKey`, `${root}.pro.enrollmentKey`]), tags: new Set([`${root}.image.tag`]), databaseUrl: url };
}

interface Component {
  readonly id: string;
  readonly r: AdoptRelease;
  readonly root: ChartRoot;
  /** Its part of the draft answers (controlPlane, or its workspace), where extraValues go. */
  readonly owner: Values;
  /** Its place in the answers, for messages. */
  readonly at: string;
}

/** Plain data as a values file holds it; the workspace root folded as the chart reads it. */
function liveValues(c: Component): Values {
  const plain = JSON.parse(JSON.stringify(c.r.values)) as Values;
  if (c.r.chart === 'zenml-pro' || !isPlainObject(plain.server) || !isPlainObject(plain.zenml)) return plain;
  const { zenml, server, ...rest } = plain;
  return { ...rest, server: overlay(server, zenml) };
}

/** Renders the draft (stand-ins where fields are missing) and compares each release with what it runs; adds extraValues to the draft. */
function check(draft: Values, components: readonly Component[], ad: Adoption): string[] {
  const filled = structuredClone(draft);
  for (const p of ad.problems) p.fill?.(filled);
  const result = validateAnswers(filled);
  if (!result.ok) {
    for (const p of result.problems) ad.problem(p.path, p.message);
    ad.notes.push('the answers could not be rendered and compared with what runs until the problems are fixed: run adopt again after fixing them, or check the upgrade\'s values diff');
    return [];
  }
  const answers: Answers = result.answers;
  const secrets = new Map(secretSlots(answers).map((s) => [s.key, ad.secrets.get(s.key) ?? (s.hex64 ? HEX64 : 'adopt-stand-in')]));
  const cp = components.find((c) => c.id === 'control-plane');
  const rendered = renderReleases({
    answers, secrets, readFile: () => '', templates: { controlPlane: '{}', workspace: '{}' }, version: 'adopt',
    ...(cp ? { controlPlaneChart: chartRead(cp.r.values, 'zenml', 'control plane') } : {}),
    workspaceCharts: new Map(components.filter((c) => c.id !== 'control-plane').map((c) => [c.id.slice('workspace-'.length), chartRead(c.r.values, c.root, 'workspace')])),
  });
  const unmapped: string[] = [];
  for (const c of components) {
    const mine = rendered.find((x) => x.id === c.id);
    if (!mine) continue;
    const diff = compareRelease(liveValues(c), JSON.parse(JSON.stringify(mine.values)) as Values, comparePaths(c.id, c.root));
    unmapped.push(...diff.unmapped.map((p) => `${label(c.r)}: ${p}`));
    if (diff.overrides.length > 0) {
      const extra: Values = {};
      for (const [path, value] of diff.overrides) setIn(extra, path, value);
      c.owner.extraValues = extra;
      ad.notes.push(`${label(c.r)}: kept in ${c.at}.extraValues, since the answers would render them otherwise: ${diff.overrides.map(([p]) => p.join('.')).join(', ')}`);
    }
    if (diff.pinnedTags.length > 0) ad.notes.push(`${label(c.r)}: image tag pinned to another version than chart ${c.r.chartVersion} (${diff.pinnedTags.join(', ')}); the answers follow the chart version, so an upgrade moves the image with the chart`);
    if (diff.added.length > 0) ad.notes.push(`${label(c.r)}: the answers set what the release leaves to its chart's defaults (an upgrade sets them): ${diff.added.join(', ')}`);
    // A secret rendered otherwise because a field is missing is reported there already.
    const known = ad.problems.some((p) => p.path === c.at || p.path.startsWith(`${c.at}.`));
    for (const path of known ? [] : diff.secretMismatches) {
      ad.problem(c.at, `${path} holds a secret the answers would render otherwise (it is never copied into extraValues): check the fields it is made of`);
    }
  }
  return unmapped;
}

export function adoptAnswers(releases: readonly AdoptRelease[], o: { readonly context: string }): Adopted {
  const ad = new Adoption();
  const planes = releases.filter((r) => r.chart === 'zenml-pro').sort(byName);
  const spaces = releases.filter((r) => r.chart === 'zenml').sort(byName);
  if (planes.length > 1) {
    ad.problem('controlPlane', `${planes.length} control-plane releases were found (${planes.map(label).join(', ')}); these answers describe ${label(planes[0] as AdoptRelease)}: run adopt with --namespace for one control plane and its workspaces`);
  }
  if (spaces.length === 0) ad.problem('workspaces', 'no workspace release (chart zenml) was found: the answers need at least one');

  const plane = planes[0];
  const cpView = plane ? objectAt(plane.values, 'zenml') ?? {} : undefined;
  const used = new Set<string>();
  const views = spaces.map((r) => {
    const { root, view } = workspaceRoot(r.values);
    const name = nameFor(r, view, used);
    used.add(name);
    return { r, root, view, name };
  });
  const controlPlane = plane ? controlPlaneAnswers(plane, ad) : undefined;
  const workspaces = views.map((v, i) => workspaceAnswers(v.r, v.view, i, v.name, plane !== undefined, ad));
  views.forEach((v, i) => {
    const workspaceName = stringAt(v.view, 'pro', 'workspaceName');
    if (workspaceName && workspaceName !== v.name) ad.notes.push(`${label(v.r)}: enrolled as "${workspaceName}", which cannot be an answers name (or is taken): named ${v.name} here (workspaces[${i}])`);
  });

  const proViews = views.filter((v) => objectAt(v.view, 'pro')?.enabled === true);
  let scenario: string;
  let existingControlPlane: Values | undefined;
  if (controlPlane) {
    scenario = 'self-hosted';
    // Workspaces that talk to this control plane's UI but to an API elsewhere name its own API host.
    const url = `https://${String(controlPlane.hostname)}`;
    const apiUrl = proViews.find((v) => stringAt(v.view, 'pro', 'dashboardURL') === url && stringAt(v.view, 'pro', 'apiURL') !== `${url}/api/v1`);
    if (apiUrl) controlPlane.apiUrl = stringAt(apiUrl.view, 'pro', 'apiURL');
  } else {
    const first = proViews[0]?.view;
    const apiUrl = (first && stringAt(first, 'pro', 'apiURL')) ?? SAAS_API_URL;
    scenario = apiUrl === SAAS_API_URL ? 'hybrid' : 'workspace-only';
    const dashboardUrl = first && stringAt(first, 'pro', 'dashboardURL');
    const derived = proUrls({ existingControlPlane: { apiUrl } } as unknown as Answers).dashboardUrl;
    existingControlPlane = { apiUrl, ...(dashboardUrl && dashboardUrl !== derived ? { dashboardUrl } : {}) };
  }

  const ingressViews = [...(plane && cpView ? [{ r: plane, view: cpView }] : []), ...views];
  const draft: Values = {
    apiVersion: API_VERSION,
    scenario,
    cluster: clusterOf(ingressViews, o.context, ad),
    images: imagesAnswers(cpView, views, [...(plane ? [plane] : []), ...spaces], ad),
    charts: { ...(controlPlane ? { controlPlane: DEFAULT_CONTROL_PLANE_CHART } : {}), workspace: DEFAULT_WORKSPACE_CHART },
    ...(controlPlane ? { controlPlane } : { existingControlPlane }),
    workspaces,
  };
  ad.notes.push('charts: a helm release does not record where its chart came from; the answers name ZenML\'s public OCI charts (for local files set charts.*, or give upgrade --bundle)');

  const components: Component[] = [
    ...(plane && controlPlane ? [{ id: 'control-plane', r: plane, root: 'zenml' as ChartRoot, owner: controlPlane, at: 'controlPlane' }] : []),
    ...views.map((v, i) => ({ id: `workspace-${v.name}`, r: v.r, root: v.root, owner: workspaces[i] ?? {}, at: `workspaces[${i}]` })),
  ];
  const unmapped = check(draft, components, ad);
  return {
    answers: draft,
    secrets: [...ad.secrets].map(([slot, value]) => ({ slot, value })),
    unmapped,
    notes: ad.notes,
    problems: [...new Set(ad.problems.map((p) => `${p.path}: ${p.message}`))],
  };
}
