// Set by the bundler from package.json; the fallback serves tests run from source.
declare const __INSTALLER_VERSION__: string | undefined;
export const INSTALLER_VERSION: string = typeof __INSTALLER_VERSION__ === 'string' ? __INSTALLER_VERSION__ : '0.0.0-dev';
