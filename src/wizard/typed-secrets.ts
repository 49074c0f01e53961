// Secrets typed into the wizard never reach the answers file.
//
// Convention: while the wizard runs, a typed secret sits in its working
// answers as a literal string, so the schema and the cross-field rules check it
// like any other value (e.g. the 64-hex encryption key). On the way out every
// literal at a secret path, typed now or read from an --answers file, becomes
// `{ fromEnv: ZPI_SECRET_<WHERE> }` and its value goes into a separate map
// keyed by that name. The caller passes the map to the install through the
// environment or writes each value to a 0600 file; the saved answers only
// hold the reference. <WHERE> names the field, by workspace or user name where
// there is one: ZPI_SECRET_CONTROL_PLANE_DATABASE_PASSWORD,
// ZPI_SECRET_WORKSPACE_ML_PROD_DATABASE_PASSWORD, ZPI_SECRET_USER_JANE_PASSWORD.
import { getAt, setAt, type Path, type Raw } from './path.js';

export const TYPED_SECRET_PREFIX = 'ZPI_SECRET_';

/** Every place in the answers that holds a secret reference. */
export function secretPaths(raw: Raw): Path[] {
  const paths: Path[] = [
    ['images', 'auth', 'password'],
    ['controlPlane', 'database', 'password'],
    ['controlPlane', 'adminPassword'],
    ['controlPlane', 'sso', 'clientSecret'],
    ['controlPlane', 'apiToken'],
    ['existingControlPlane', 'apiToken'],
  ];
  const workspaces = Array.isArray(raw.workspaces) ? raw.workspaces : [];
  workspaces.forEach((_, i) => {
    for (const rest of [['database', 'password'], ['encryptionKey'], ['jwtSecretKey'], ['enrollment', 'enrollmentKey']]) paths.push(['workspaces', i, ...rest]);
  });
  const users = Array.isArray(raw.users) ? raw.users : [];
  users.forEach((_, i) => paths.push(['users', i, 'password']));
  return paths;
}

/** `enrollment.enrollmentKey` → `ENROLLMENT_KEY`: words in SNAKE_CASE, a repeated word once. */
const snake = (s: string): string =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((word, i, words) => word !== '' && word !== words[i - 1])
    .join('_');

/** Lists whose items have a name, and the word that precedes it in the variable name. */
const NAMED_LISTS: Readonly<Record<string, { readonly kind: string; readonly nameKey: string }>> = {
  workspaces: { kind: 'WORKSPACE', nameKey: 'name' },
  users: { kind: 'USER', nameKey: 'username' },
};

/** The environment variable a typed secret at `path` is handed over in. */
export function typedSecretEnvName(raw: Raw, path: Path): string {
  const [top, index, ...rest] = path;
  const list = typeof top === 'string' ? NAMED_LISTS[top] : undefined;
  if (list && typeof index === 'number') {
    const name = getAt(raw, [...path.slice(0, 2), list.nameKey]);
    const who = typeof name === 'string' && name !== '' ? `${list.kind}_${snake(name)}` : `${list.kind}_${index + 1}`;
    return `${TYPED_SECRET_PREFIX}${who}_${snake(rest.join('_'))}`;
  }
  return `${TYPED_SECRET_PREFIX}${snake(path.join('_'))}`;
}

export interface ExtractedSecrets {
  readonly raw: Raw;
  readonly typedSecrets: ReadonlyMap<string, string>;
}

/** Replaces every literal secret with an env reference and returns the values separately. */
export function extractTypedSecrets(raw: Raw): ExtractedSecrets {
  const typedSecrets = new Map<string, string>();
  let out = raw;
  for (const path of secretPaths(raw)) {
    const value = getAt(raw, path);
    if (typeof value !== 'string') continue;
    const name = typedSecretEnvName(raw, path);
    typedSecrets.set(name, value);
    out = setAt(out, path, { fromEnv: name });
  }
  return { raw: out, typedSecrets };
}
