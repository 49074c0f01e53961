// `upgrade --dump-databases` against a real MariaDB the jump host reaches (the
// simulated cluster's releases point at it): each database is dumped (0600,
// password never on argv or in any output, journal or log) before its
// release's first upgrade; a failing migration's message gives the restore
// line for that dump, and the line brings the data back; a re-run keeps the
// first dump instead of dumping a half-migrated schema. Real helm 4 and
// kubectl against the simulated cluster.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Simulation } from '../../src/sim/simulation.js';
import { HELMS, KUBECTL, REPO_ROOT, Scratch, eventsOf, finished, installArgs, runInstall, startSim, waitForNoTools } from '../helpers/install-sim.js';
import { SEED, SEED_PASSWORD, startMariaDb, type RealDatabase } from '../helpers/real-databases.js';

const helm = HELMS[0]?.helm ?? '';

/** An example's answers with every database at the real server, its password from a 0600 file. */
function answersAt(example: string, path: string, db: RealDatabase, passwordFile: string): string {
  const text = readFileSync(join(REPO_ROOT, 'examples', example), 'utf8')
    .replaceAll('../.tools/charts/', `${join(REPO_ROOT, '.tools', 'charts')}/`)
    .replaceAll('./secrets/sim-db-password', passwordFile)
    .replaceAll('./secrets/', `${join(REPO_ROOT, 'examples', 'secrets')}/`)
    .replace(/^( +)host: mysql\.sim\.example\.com$/gm, (_, indent: string) => `${indent}host: 127.0.0.1\n${indent}port: ${db.port}`);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

function shell(line: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', line], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('upgrade --dump-databases with a real MariaDB', () => {
  const scratch = new Scratch('upgrade-dumps');
  let db: RealDatabase;
  let sim: Simulation;
  let env: Record<string, string>;
  let dir: string;
  let upgradeAnswers: string;
  const rows = async (database: string): Promise<string[]> => (await db.sql(`SELECT name FROM ${SEED.table} ORDER BY id;`, database)).split('\n').filter(Boolean);

  beforeAll(async () => {
    db = await startMariaDb();
    // The databases and users of examples/sim.yaml, each with rows of its own.
    for (const [database, user] of [['zenml_pro', 'zenml_pro'], ['zenml_ml', 'zenml_ml'], ['zenml_research', 'zenml_research']] as const) {
      const quoted = `'${SEED_PASSWORD.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
      await db.sql(`
        CREATE DATABASE IF NOT EXISTS ${database};
        CREATE USER '${user}'@'%' IDENTIFIED BY ${quoted};
        GRANT ALL PRIVILEGES ON ${database}.* TO '${user}'@'%';
        CREATE TABLE IF NOT EXISTS ${database}.${SEED.table} (id INT PRIMARY KEY, name VARCHAR(64) NOT NULL);
        REPLACE INTO ${database}.${SEED.table} VALUES (1, '${database}-one'), (2, '${database}-two');
      `);
    }
    const passwordFile = scratch.path('db-password');
    writeFileSync(passwordFile, SEED_PASSWORD, { mode: 0o600 });
    sim = await startSim(scratch, 'cluster');
    env = scratch.env();
    dir = scratch.path('install');
    const install = answersAt('sim.yaml', scratch.path('install.yaml'), db, passwordFile);
    upgradeAnswers = answersAt('sim-upgrade.yaml', scratch.path('upgrade.yaml'), db, passwordFile);
    const installed = await runInstall(installArgs({ kubeconfig: sim.info.kubeconfig, dir, helm, answers: install }), env);
    expect(installed.exitCode, installed.stderr).toBe(0);
  }, 240_000);
  afterAll(async () => {
    if (sim) {
      await waitForNoTools(sim.info.kubeconfig, 10_000);
      await sim.close();
    }
    await db?.stop();
    scratch.cleanup();
  });

  const upgrade = (): string[] => ['upgrade', '--answers', upgradeAnswers, '--kubeconfig', sim.info.kubeconfig, '--dir', dir, '--helm', helm, '--kubectl', KUBECTL, '--output', 'json', '--yes', '--dump-databases'];

  afterEach(() => sim.kube.faults.clear());

  test('a failing migration gives the restore line of the dump taken just before, and that line brings the data back', async () => {
    sim.kube.faults.add({ type: 'jobFailure', match: { kind: 'Job', name: 'zenml-db-migration', namespace: 'zenml-workspace-ml' }, logLines: ['alembic: cannot upgrade'], exitCode: 1 });
    const failed = await runInstall(upgrade(), env);
    expect(failed.exitCode).toBe(1);
    const done = eventsOf(failed.events, 'step-done').map((e) => e.stepId);
    // Every database is dumped before the first release changes.
    const dumps = ['dump:control-plane', 'dump:workspace-ml', 'dump:workspace-research'];
    expect(done).toEqual(expect.arrayContaining(dumps));
    expect(Math.max(...dumps.map((d) => done.indexOf(d)))).toBeLessThan(done.indexOf('backup:control-plane'));
    const file = join(dir, 'backups', 'workspace-ml-0.93.0', 'database-zenml_ml.sql');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('zenml_ml-two');
    const failure = eventsOf(failed.events, 'step-failed')[0];
    expect(failure?.stepId).toBe('release:workspace-ml');
    const restore = failure?.next.find((n) => n.includes('restore the dump taken before this upgrade'));
    expect(restore).toContain(`< ${file}`);
    // The password is in no output, journal or log of the installer.
    const records = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /journal|log/.test(f) && statSync(join(dir, f)).isFile());
    expect(records.length).toBeGreaterThan(0);
    const written = [failed.stdout, failed.stderr, ...records.map((f) => readFileSync(join(dir, f), 'utf8'))].join('\n');
    expect(written).not.toContain(SEED_PASSWORD);

    // The migration half-ran: the table is gone. The printed line restores it.
    await db.sql(`DROP TABLE ${SEED.table};`, 'zenml_ml');
    const line = restore?.slice(restore.indexOf('MYSQL_PWD=')) ?? '';
    const restored = await shell(line, { DB_PASSWORD: SEED_PASSWORD });
    expect(restored.code, restored.stderr).toBe(0);
    expect(await rows('zenml_ml')).toEqual(['zenml_ml-one', 'zenml_ml-two']);
  });

  test('after the fix the upgrade finishes, keeping the dumps taken before anything changed', async () => {
    const file = join(dir, 'backups', 'workspace-ml-0.93.0', 'database-zenml_ml.sql');
    const before = statSync(file).mtimeMs;
    const again = await runInstall(upgrade(), env);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(finished(again)?.outcome).toBe('done');
    expect(eventsOf(again.events, 'step-skipped').map((e) => e.stepId)).toEqual(expect.arrayContaining(['dump:workspace-ml', 'dump:workspace-research']));
    expect(statSync(file).mtimeMs).toBe(before);
    expect(readFileSync(join(dir, 'backups', 'workspace-research-0.93.0', 'database-zenml_research.sql'), 'utf8')).toContain('zenml_research-one');
  });
});
