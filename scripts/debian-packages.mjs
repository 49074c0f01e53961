// The Debian packages the demo and the tests run for real. `demo` (run by
// `npm ci`): openssl, for the simulation's certificates. `test` (run first by
// `npm test`): also tmux (terminal tests), procps (ps, for the
// no-secret-in-argv checks), and the MariaDB and PostgreSQL servers and
// clients (database dumps against real servers; the tests start their own on
// 127.0.0.1). Missing packages are installed with apt-get when run as root,
// else named with the command that installs them.
import { spawnSync } from 'node:child_process';

const SETS = {
  demo: ['openssl'],
  test: ['openssl', 'tmux', 'tar', 'procps', 'mariadb-server', 'mariadb-client', 'postgresql', 'postgresql-client'],
};
const set = process.argv[2] ?? 'test';
const PACKAGES = SETS[set];
if (!PACKAGES) {
  console.error(`debian-packages: unknown set "${set}"; one of ${Object.keys(SETS).join(', ')}`);
  process.exit(2);
}

const installed = (pkg) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed') === true;

if (spawnSync('dpkg-query', ['--version']).status !== 0) {
  console.error('debian-packages: not a Debian-based system; make sure these are installed: ' + PACKAGES.join(' '));
  process.exit(0);
}
const missing = PACKAGES.filter((p) => !installed(p));
if (missing.length === 0) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(`debian-packages: missing ${missing.join(' ')}; install them with: sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}
console.error(`debian-packages: installing ${missing.join(' ')} with apt-get`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update', '-qq'], ['install', '-y', '-qq', '--no-install-recommends', ...missing]]) {
  const r = spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    console.error(`debian-packages: apt-get ${args[0]} failed (exit ${r.status}); install them yourself: apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
}
