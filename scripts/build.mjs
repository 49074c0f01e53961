#!/usr/bin/env node
// Bundles the CLI into dist/ (ESM, code-split so `--version` and `render` do not
// load Ink and React). The result runs on a jump host with only Node on it.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
rmSync(join(root, 'dist'), { recursive: true, force: true });

// `import text from './file?raw'` embeds a file's text (the same syntax vitest understands).
const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: join(args.resolveDir, args.path.slice(0, -4)), namespace: 'raw-text' }));
    b.onLoad({ filter: /.*/, namespace: 'raw-text' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

await build({
  entryPoints: [join(root, 'src/cli.ts')],
  outdir: join(root, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  sourcemap: false,
  define: { __INSTALLER_VERSION__: JSON.stringify(pkg.version), 'process.env.DEV': '"false"' },
  // Ink reaches react-devtools-core through a dynamic import only used with DEV=true;
  // a stub keeps it out of the bundle without breaking the import at load time.
  // whatwg-url (and with it tr46 and the punycode module Node 22+ warns about): see scripts/whatwg-url-stub.mjs.
  alias: {
    'react-devtools-core': join(root, 'scripts/devtools-stub.mjs'),
    'whatwg-url': join(root, 'scripts/whatwg-url-stub.mjs'),
  },
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  plugins: [rawText],
  logLevel: 'warning',
});
