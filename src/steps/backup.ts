// Before an upgrade changes a release: what it runs now is exported into the
// install directory (0700 folder, 0600 files): its values as helm holds them,
// its manifests, and the install directory's kept secrets (encryption keys,
// JWT secrets, enrollment keys). Databases are the operator's to back up; the
// upgrade command asks for that before anything starts.
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../engine/atomic-write.js';
import { GENERATED_SECRETS_FILE } from '../engine/generated-secrets.js';
import { StepFailure, type StepContext, type StepKind } from '../engine/step-kind.js';
import type { ActionOf } from '../plan/steps.js';

type Action = ActionOf<'backup'>;

/** Where one upgrade's backups go: <dir>/backups/<release id>-<from>; one folder per hop, so a resumed run finds its own. */
export const backupFolder = (dir: string, a: Pick<Action, 'component' | 'from'>): string => join(dir, 'backups', `${a.component}-${a.from}`);

export function backupKind(dir: string): StepKind<Action> {
  return {
    probe(a, ctx) {
      const folder = backupFolder(dir, a);
      // Taken by an earlier run of this upgrade: taking it again now would export the new revision.
      return Promise.resolve(ctx.outputsOf(ctx.step.id)?.folder === folder && existsSync(join(folder, 'values.yaml')) ? `taken before, in ${folder}` : undefined);
    },
    async run(a, ctx: StepContext) {
      const record = await ctx.cluster.helmRecord(a.release, a.namespace, ctx.hooks, 'running');
      if (!record) throw new StepFailure(`release ${a.release} is not in ${a.namespace} any more: nothing to back up or upgrade`, ['run `zenml-pro-installer status` to see what runs']);
      const folder = backupFolder(dir, a);
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      await writeFileAtomic(join(folder, 'values.yaml'), stringify(record.values), { mode: 0o600 });
      await writeFileAtomic(join(folder, 'manifest.yaml'), record.manifest, { mode: 0o600 });
      const kept = join(dir, GENERATED_SECRETS_FILE);
      if (existsSync(kept)) {
        copyFileSync(kept, join(folder, GENERATED_SECRETS_FILE));
        chmodSync(join(folder, GENERATED_SECRETS_FILE), 0o600);
      }
      return { folder, revision: String(record.revision), chartVersion: record.chartVersion ?? '' };
    },
  };
}
