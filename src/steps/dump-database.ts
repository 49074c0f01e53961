// Before a release's first upgrade: its database dumped from the jump host
// with the engine's own tool, into that upgrade's backup folder, so a failed
// migration can be followed by a restore of the data as it was. The password
// is resolved from its slot when the step runs and reaches only the tool.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Interrupted, StepFailure, type StepContext, type StepKind } from '../engine/step-kind.js';
import type { ActionOf } from '../plan/steps.js';
import { DatabaseDumpError, dumpDatabase, restoreCommand } from '../tools/db-dump.js';
import { backupFolder } from './backup.js';

type Action = ActionOf<'dump-database'>;

/** The dump's file: SQL for MySQL, pg_dump's custom format for PostgreSQL. */
export const dumpFile = (dir: string, a: Action): string => join(backupFolder(dir, a), `database-${a.database.name}.${a.database.type === 'postgres' ? 'dump' : 'sql'}`);

export function dumpDatabaseKind(dir: string): StepKind<Action> {
  return {
    probe(a, ctx) {
      // Taken by an earlier run of this upgrade (same target; a stop reached since changes `from`): a dump now could hold a half-migrated schema.
      const prior = ctx.outputsOf(ctx.step.id);
      return Promise.resolve(prior?.to === a.to && prior.file !== undefined && existsSync(prior.file) ? `dumped before this upgrade to ${a.to}, in ${prior.file}` : undefined);
    },
    async run(a, ctx: StepContext) {
      mkdirSync(backupFolder(dir, a), { recursive: true, mode: 0o700 });
      const target = { ...a.database, password: ctx.secret(a.database.passwordKey) };
      const file = dumpFile(dir, a);
      try {
        const dumped = await dumpDatabase(target, { tool: a.tool, outFile: file, signal: ctx.signal });
        return { file, to: a.to, bytes: String(dumped.bytes), sha256: dumped.sha256, restore: restoreCommand(target, file) };
      } catch (error) {
        if (ctx.signal.aborted) throw new Interrupted();
        if (!(error instanceof DatabaseDumpError)) throw error;
        throw new StepFailure(`${error.message} Nothing was upgraded.`, [
          ...error.hints,
          `or back the database up another way and run the upgrade with --backup-confirmed instead of --dump-databases`,
        ], [], false, error.command);
      }
    },
  };
}
