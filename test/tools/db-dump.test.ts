// Database dumps against real servers: a throwaway MariaDB and PostgreSQL on
// 127.0.0.1 (test/helpers/real-databases.ts), dumped with the real
// mariadb-dump and pg_dump, restored with the command the operator would be
// shown. Each dump tool is called through a wrapper script that records the
// argv it was given, as ps would show it.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseDumpError, dumpDatabase, findDumpTool, restoreCommand, type DatabaseTarget } from '../../src/tools/db-dump.js';
import { ExternalError } from '../../src/tools/external-error.js';
import { SEED, SEED_PASSWORD, startMariaDb, startPostgres, type RealDatabase } from '../helpers/real-databases.js';

// Servers start slowly on a busy 2-core machine.
const SERVER_START_MS = 300_000;

let work: string;
/** Every password the tests used; no argv, message or hint may hold one. */
const passwords = [SEED_PASSWORD, 'Wrong-pw-8c1e "x" #y'];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'zpi-db-dump-test-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A fresh empty directory for one test's dump. */
function outDir(label: string): string {
  return mkdtempSync(join(work, `${label}-`));
}

interface Recording {
  readonly tool: string;
  /** The argv of every call, one list per call. */
  calls(): string[][];
  /** Notes the wrapper took while the tool ran (the option file's path and mode, whether PGPASSWORD was set). */
  notes(): string;
}

/** A wrapper around `real` that records "$@" (NUL-separated) and a few facts, then execs it. */
function recordingTool(real: string): Recording {
  const dir = mkdtempSync(join(work, 'wrapper-'));
  const tool = join(dir, real.split('/').pop() ?? 'tool');
  const argvLog = join(dir, 'argv');
  const notesLog = join(dir, 'notes');
  writeFileSync(
    tool,
    `#!/bin/sh
printf '%s\\0' "$@" >> '${argvLog}'
printf '\\n' >> '${argvLog}'
case "$1" in --defaults-extra-file=*) f="\${1#--defaults-extra-file=}"; echo "optionfile $f $(stat -c %a "$f")" >> '${notesLog}';; esac
[ -n "$PGPASSWORD" ] && echo "pgpassword set" >> '${notesLog}'
exec '${real}' "$@"
`,
  );
  chmodSync(tool, 0o755);
  return {
    tool,
    calls: () =>
      existsSync(argvLog)
        ? readFileSync(argvLog, 'utf8')
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => line.split('\0').slice(0, -1))
        : [],
    notes: () => (existsSync(notesLog) ? readFileSync(notesLog, 'utf8') : ''),
  };
}

async function dumpError(promise: Promise<unknown>): Promise<DatabaseDumpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseDumpError);
  // The CLI reports every ExternalError cleanly (src/engine/failures.ts).
  expect(error).toBeInstanceOf(ExternalError);
  const dump = error as DatabaseDumpError;
  const shown = [dump.message, ...dump.hints, dump.command.outputTail, dump.command.commandLine, dump.result.stderr, dump.result.stdout].join('\n');
  for (const password of passwords) expect(shown).not.toContain(password);
  return dump;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** A port nothing listens on: a server's own port once it is stopped would race; this one is never bound. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Runs the restore line the operator would be shown, with DB_PASSWORD set as it tells them to. */
async function runRestore(target: DatabaseTarget, file: string, clientDir: string): Promise<void> {
  await execa('/bin/sh', ['-c', restoreCommand(target, file)], { env: { DB_PASSWORD: target.password, PATH: `${clientDir}:${process.env.PATH ?? ''}` } });
}

describe('findDumpTool', () => {
  it('finds the dump program on PATH, preferring mariadb-dump, and reports a missing one as undefined', () => {
    const empty = outDir('empty-path');
    expect(findDumpTool('mysql', { PATH: empty })).toBeUndefined();
    expect(findDumpTool('postgres', { PATH: empty })).toBeUndefined();
    expect(findDumpTool('mysql', { PATH: '' })).toBeUndefined();

    const bin = outDir('bin');
    for (const name of ['mysqldump', 'mariadb-dump', 'pg_dump']) {
      writeFileSync(join(bin, name), '#!/bin/sh\n');
      chmodSync(join(bin, name), 0o755);
    }
    expect(findDumpTool('mysql', { PATH: `${empty}:${bin}` })).toBe(join(bin, 'mariadb-dump'));
    expect(findDumpTool('postgres', { PATH: `${empty}:${bin}` })).toBe(join(bin, 'pg_dump'));
    rmSync(join(bin, 'mariadb-dump'));
    expect(findDumpTool('mysql', { PATH: bin })).toBe(join(bin, 'mysqldump'));
    // Present but not executable is as good as missing.
    chmodSync(join(bin, 'pg_dump'), 0o644);
    expect(findDumpTool('postgres', { PATH: bin })).toBeUndefined();
  });

  it('a dump with a tool that is not installed fails as "tool missing", naming the database', async () => {
    const dir = outDir('no-tool');
    const target: DatabaseTarget = { type: 'postgres', host: '127.0.0.1', port: 5432, name: 'zenml_pro', username: 'zenml', password: SEED_PASSWORD };
    const error = await dumpError(dumpDatabase(target, { tool: join(dir, 'pg_dump'), outFile: join(dir, 'dump') }));
    expect(error.problem).toBe('tool-missing');
    expect(error.message).toContain('"zenml_pro"');
    expect(error.message).toContain(join(dir, 'pg_dump'));
    expect(error.hints.join(' ')).toContain('postgresql-client');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('restoreCommand', () => {
  it('names the database and takes the password from $DB_PASSWORD, never the value', () => {
    const pg: DatabaseTarget = { type: 'postgres', host: 'db.example.com', name: 'zenml_pro', username: 'zenml', password: SEED_PASSWORD };
    expect(restoreCommand(pg, '/backups/zenml pro.dump')).toBe(
      `PGPASSWORD="$DB_PASSWORD" pg_restore --clean --if-exists --no-owner -h db.example.com -p 5432 -U zenml -d zenml_pro '/backups/zenml pro.dump'`,
    );
    const my: DatabaseTarget = { ...pg, type: 'mysql' };
    expect(restoreCommand(my, '/backups/zenml.sql')).toBe(`MYSQL_PWD="$DB_PASSWORD" mysql --protocol=TCP --host=db.example.com --port=3306 --user=zenml zenml_pro < /backups/zenml.sql`);
  });
});

const servers = [
  { name: 'MariaDB', start: startMariaDb },
  { name: 'PostgreSQL', start: startPostgres },
];

describe.each(servers)('$name', ({ start }) => {
  let db: RealDatabase;
  let realTool: string;

  beforeAll(async () => {
    db = await start();
    // The server's own client programs first: Debian's /usr/bin/pg_dump is a wrapper that picks a version.
    const found = findDumpTool(db.type, { PATH: `${db.clientDir}:${process.env.PATH ?? ''}` });
    if (found === undefined) throw new Error(`no dump tool for ${db.type} is installed`);
    realTool = found;
  }, SERVER_START_MS);

  afterAll(async () => {
    await db?.stop();
  }, 60_000);

  it('dumps the database to a 0600 file, and the operator restore command brings every row back', async () => {
    const dir = outDir('dump');
    const outFile = join(dir, 'zenml_pro.dump');
    const recording = recordingTool(realTool);
    const dumped = await dumpDatabase(db.target, { tool: recording.tool, outFile });

    expect(dumped.file).toBe(outFile);
    expect(readdirSync(dir)).toEqual(['zenml_pro.dump']);
    expect(statSync(outFile).mode & 0o777).toBe(0o600);
    expect(dumped.bytes).toBe(statSync(outFile).size);
    expect(dumped.sha256).toBe(sha256(outFile));

    if (db.type === 'postgres') {
      const { stdout } = await execa(join(db.clientDir, 'pg_restore'), ['--list', outFile]);
      expect(stdout).toMatch(/TABLE DATA public workspaces/);
    } else {
      expect(readFileSync(outFile, 'utf8')).toContain('CREATE TABLE `workspaces`');
    }

    // A real round trip: into a fresh database, with the line a failed upgrade prints.
    const restored = 'zenml_pro_restored';
    await db.sql(
      db.type === 'postgres'
        ? `CREATE DATABASE ${restored} OWNER ${SEED.user};`
        : `CREATE DATABASE ${restored}; GRANT ALL PRIVILEGES ON ${restored}.* TO '${SEED.user}'@'%';`,
    );
    await runRestore({ ...db.target, name: restored }, outFile, db.clientDir);
    expect((await db.sql(`SELECT name FROM ${SEED.table} ORDER BY id;`, restored)).split('\n')).toEqual([...SEED.names]);
  });

  it('never puts the password on the dump tool\'s command line', async () => {
    const dir = outDir('argv');
    const recording = recordingTool(realTool);
    await dumpDatabase(db.target, { tool: recording.tool, outFile: join(dir, 'dump') });

    const [argv, ...more] = recording.calls();
    expect(more).toEqual([]);
    expect(argv).toBeDefined();
    for (const arg of argv ?? []) expect(arg).not.toContain(SEED_PASSWORD);
    expect(argv).toContain(db.target.name);
    if (db.type === 'postgres') {
      // The child's own environment, and only the child's.
      expect(recording.notes()).toContain('pgpassword set');
      expect(process.env.PGPASSWORD).toBeUndefined();
      expect(argv).toEqual(expect.arrayContaining(['-Fc', '--no-password', '-h', '127.0.0.1', '-p', String(db.port)]));
    } else {
      // A 0600 option file, first on the command line, gone once the dump is done.
      expect(argv?.[0]).toMatch(/^--defaults-extra-file=/);
      expect(argv).toEqual(expect.arrayContaining(['--single-transaction', '--protocol=TCP', `--port=${db.port}`]));
      const [, optionFile, mode] = /^optionfile (\S+) (\d+)$/m.exec(recording.notes()) ?? [];
      expect(mode).toBe('600');
      expect(optionFile && existsSync(optionFile)).toBe(false);
    }
  });

  it('a wrong password is refused with a message naming the database, without the password, and leaves no file behind', async () => {
    const dir = outDir('wrong-password');
    const recording = recordingTool(realTool);
    const error = await dumpError(dumpDatabase({ ...db.target, password: passwords[1] ?? '' }, { tool: recording.tool, outFile: join(dir, 'dump') }));

    expect(error.problem).toBe('login-refused');
    expect(error.message).toContain(`"${SEED.database}"`);
    expect(error.message).toContain(`127.0.0.1:${db.port}`);
    expect(error.message).toMatch(/refused the password for user "zenml"/);
    expect(error.transient).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    const optionFile = /^optionfile (\S+)/m.exec(recording.notes())?.[1];
    if (db.type === 'mysql') expect(optionFile && existsSync(optionFile)).toBe(false);
  });

  it('an unreachable port is reported as such, naming the database', async () => {
    const dir = outDir('unreachable');
    const port = await closedPort();
    const error = await dumpError(dumpDatabase({ ...db.target, port }, { tool: realTool, outFile: join(dir, 'dump') }));

    expect(error.problem).toBe('unreachable');
    expect(error.message).toBe(`Could not dump the ${db.type === 'postgres' ? 'PostgreSQL' : 'MySQL'} database "${SEED.database}" on 127.0.0.1:${port}: the server at 127.0.0.1:${port} could not be reached from this machine.`);
    expect(error.hints.join(' ')).toContain('firewall');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a host name that does not resolve is reported as such', async () => {
    const dir = outDir('no-such-host');
    const error = await dumpError(dumpDatabase({ ...db.target, host: 'no-such-host.invalid' }, { tool: realTool, outFile: join(dir, 'dump') }));

    expect(error.problem).toBe('unreachable');
    expect(error.message).toContain(`"${SEED.database}"`);
    expect(error.message).toContain('the host name "no-such-host.invalid" does not resolve from this machine');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a database that does not exist is reported as such', async () => {
    const dir = outDir('no-database');
    const error = await dumpError(dumpDatabase({ ...db.target, name: 'no_such_db' }, { tool: realTool, outFile: join(dir, 'dump') }));

    expect(error.problem).toBe('no-database');
    expect(error.message).toContain('"no_such_db"');
    expect(error.message).toMatch(/does not exist/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('replaces a partial file left by an interrupted earlier dump', async () => {
    const dir = outDir('stale-partial');
    const outFile = join(dir, 'dump');
    writeFileSync(`${outFile}.partial`, 'left over', { mode: 0o644 });
    await dumpDatabase(db.target, { tool: realTool, outFile });
    expect(readdirSync(dir)).toEqual(['dump']);
    expect(statSync(outFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(outFile, 'latin1')).not.toContain('left over');
  });

  it('a cancelled dump is reported as cancelled and leaves no file behind', async () => {
    const dir = outDir('cancelled');
    const error = await dumpError(dumpDatabase(db.target, { tool: realTool, outFile: join(dir, 'dump'), signal: AbortSignal.abort() }));
    expect(error.problem).toBe('canceled');
    expect(error.message).toContain(`"${SEED.database}"`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
