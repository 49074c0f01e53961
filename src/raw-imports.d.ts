// Text files embedded at build time (esbuild plugin in scripts/build.mjs; vitest natively).
declare module '*?raw' {
  const text: string;
  export default text;
}
