#!/usr/bin/env node
// Checks the Node version first, so an old Node gets a sentence instead of a syntax error.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(
    `zenml-pro-installer needs Node.js 20.19 or newer; this is ${process.versions.node}.\n` +
      'Install a current Node.js LTS (20, 22 or 24) and run it again.\n',
  );
  process.exit(2);
}
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli.js')) {
    process.stderr.write('zenml-pro-installer is not built yet: run `npm ci` then `npm run build` in its folder.\n');
    process.exit(2);
  }
  throw error;
}
