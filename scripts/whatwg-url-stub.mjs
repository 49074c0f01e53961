// node-fetch (inside @kubernetes/client-node) imports whatwg-url only as a
// fallback for Node's built-in URL (`Url.URL || whatwgUrl.URL`), which every
// supported Node has; the stub keeps the package and its 260 KB of Unicode
// tables (tr46) out of the bundle and out of every start-up.
export default { URL };
