// Release data an operator brings to an upgrade (`upgrade --upgrade-data
// FILE`): compatibility pairs and required stops newer than the ones this
// installer shipped with, copied from ZenML's release notes or an offline
// bundle. It adds to the built-in tables; an entry for a control-plane version
// the installer already knows replaces the built-in one. Pure: text in, data
// or problems out.
import semver from 'semver';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { KNOWN_COMPATIBILITY, type CompatibilityEntry } from './compatibility.js';
import { formatPath, type Problem } from './load.js';
import { KNOWN_UPGRADE_STOPS, type UpgradeStop } from './upgrade-paths.js';

const chartVersion = z.string({ error: 'must be a chart version such as 0.93.2' }).refine((v) => semver.valid(v) !== null, { message: 'must be an exact chart version such as 0.93.2 (no ranges, no leading v)' });
const source = z.string({ error: 'is required: where the fact comes from (a release note or guide), shown to the operator' }).min(1, 'must not be empty: where the fact comes from');

const upgradeDataSchema = z.strictObject({
  compatibility: z
    .array(
      z.strictObject({
        controlPlane: chartVersion,
        newestWorkspace: chartVersion,
        complete: z.boolean({ error: 'must be true (no later workspace release works with this control plane) or false (later ones are unverified)' }),
        source,
      }),
    )
    .default([]),
  stops: z
    .array(
      z.strictObject({
        chart: z.enum(['zenml-pro', 'zenml'], { error: 'must be zenml-pro (the control plane) or zenml (the workspace servers)' }),
        version: chartVersion,
        why: z.string({ error: 'is required: why the upgrade must stop at this version' }).min(1, 'must not be empty: why the upgrade must stop here'),
        source,
      }),
    )
    .default([]),
});

export interface UpgradeData {
  readonly compatibility: readonly CompatibilityEntry[];
  readonly stops: readonly UpgradeStop[];
}

export const BUILT_IN_UPGRADE_DATA: UpgradeData = { compatibility: KNOWN_COMPATIBILITY, stops: KNOWN_UPGRADE_STOPS };

export type UpgradeDataResult = { readonly ok: true; readonly data: UpgradeData } | { readonly ok: false; readonly problems: readonly Problem[] };

/** The file's entries over the built-in ones. */
export function parseUpgradeData(text: string, fileName: string, base: UpgradeData = BUILT_IN_UPGRADE_DATA): UpgradeDataResult {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => ({ path: e.linePos?.[0] ? `${fileName}:${e.linePos[0].line}:${e.linePos[0].col}` : fileName, message: `YAML syntax error: ${e.message.split('\n')[0] ?? e.message}` })) };
  }
  const parsed = upgradeDataSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({
        path: formatPath(i.path) || fileName,
        message: i.code === 'unrecognized_keys' ? `has unknown keys ${i.keys.join(', ')}; known here: ${i.path.length === 0 ? 'compatibility, stops' : i.path[0] === 'stops' ? 'chart, version, why, source' : 'controlPlane, newestWorkspace, complete, source'}` : i.message,
      })),
    };
  }
  const { compatibility, stops } = parsed.data;
  const given = (v: string): boolean => compatibility.some((e) => semver.eq(e.controlPlane, v));
  return {
    ok: true,
    data: {
      compatibility: [...base.compatibility.filter((e) => !given(e.controlPlane)), ...compatibility],
      stops: [...base.stops.filter((s) => !stops.some((x) => x.chart === s.chart && semver.eq(x.version, s.version))), ...stops],
    },
  };
}
