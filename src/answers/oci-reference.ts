// Registries and image references, checked by the OCI distribution reference
// grammar (what `docker pull` and the kubelet accept):
//   reference  := name [":" tag] ["@" digest]
//   name       := [host [":" port] "/"] path-component ("/" path-component)*
//   path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := "." | "_" | "__" | "-"+
// Each check returns the message an operator needs to fix the value, or
// undefined when the value is fine.
import type { z } from 'zod';

const HOST_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME = 255;

/** `host`, `host:port`, `[ipv6]:port`: why it is not a registry host. */
function hostProblem(host: string): string | undefined {
  const ipv6 = /^\[[0-9a-fA-F:]+\](?::(\d+))?$/.exec(host);
  if (ipv6) return ipv6[1] !== undefined && Number(ipv6[1]) > 65535 ? `port ${ipv6[1]} is above 65535` : undefined;
  const [name = '', port, ...more] = host.split(':');
  if (more.length > 0) return `"${host}" has more than one ":"; give host[:port]`;
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) > 65535)) return `"${port}" is not a port number (1-65535)`;
  const bad = name.split('.').find((label) => !HOST_LABEL.test(label));
  if (bad !== undefined) return `"${name}" is not a host name: letters, digits, inner hyphens and dots`;
  return undefined;
}

/** The first component names a registry host when it has a dot or a port, or is localhost (the grammar's rule). */
const looksLikeHost = (component: string): boolean => component.includes('.') || component.includes(':') || component === 'localhost' || component.startsWith('[');

function commonProblem(value: string, example: string): string | undefined {
  if (value.trim() === '') return `must not be empty, e.g. ${example}`;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value);
  if (scheme) return `drop the scheme "${scheme[0]}": no URL, just the name, e.g. ${example}`;
  if (/\s/.test(value)) return `must not contain spaces, e.g. ${example}`;
  if (value.length > MAX_NAME) return `is ${value.length} characters; a repository name is at most ${MAX_NAME}`;
  return undefined;
}

/** The path after the host: lowercase components separated by "/". */
function pathProblem(components: readonly string[], value: string): string | undefined {
  for (const component of components) {
    if (component === '') return `"${value}" has an empty path component (a leading, trailing or double "/")`;
    if (!PATH_COMPONENT.test(component)) {
      const lower = component.toLowerCase();
      return lower !== component && PATH_COMPONENT.test(lower)
        ? `path components are lowercase: use ${value.replace(component, lower)}`
        : `"${component}" is not a valid path component: lowercase letters and digits, joined by ".", "_", "__" or "-"`;
    }
  }
  return undefined;
}

/**
 * A name (no tag or digest): an optional host, then the path. The first
 * component is a host only when more follow (`ubuntu` alone is a path).
 * `registry`: the host is required and may stand alone.
 */
function nameProblem(value: string, registry: boolean, example: string): string | undefined {
  const [first = '', ...rest] = value.split('/');
  if ((rest.length > 0 || registry) && looksLikeHost(first)) return hostProblem(first) ?? pathProblem(rest, value);
  if (registry) return `starts with the registry host (with a dot or a port), e.g. ${example}`;
  return pathProblem([first, ...rest], value);
}

/** A registry and optional prefix to put image names under: host[:port][/path], e.g. registry.example.com/zenml. */
export function registryProblem(value: string): string | undefined {
  const example = 'registry.example.com/zenml';
  const common = commonProblem(value, example);
  if (common) return common;
  if (value.endsWith('/')) return `drop the trailing "/": ${value.replace(/\/+$/, '')}`;
  if (value.includes('@') || /\/[^/]*:/.test(value)) return `a registry has no tag or digest; give host[:port]/path, e.g. ${example}`;
  return nameProblem(value, true, example);
}

/** An image repository without a tag (the installer adds the version), e.g. registry.example.com/zenml/zenml-pro-api. */
export function imageRepositoryProblem(value: string): string | undefined {
  const example = 'registry.example.com/zenml/zenml-pro-server';
  const common = commonProblem(value, example);
  if (common) return common;
  const [first = '', ...rest] = value.split('/');
  const path = rest.length > 0 && looksLikeHost(first) ? rest.join('/') : value;
  if (path.includes(':') || path.includes('@')) return `give the repository without a tag or digest (the installer adds the version), e.g. ${example}`;
  return nameProblem(value, false, example);
}

/** A full image reference: name, optional :tag, optional @digest, e.g. registry.example.com/runner:1.0. */
export function imageReferenceProblem(value: string): string | undefined {
  const example = 'registry.example.com/zenml/runner:1.0';
  const common = commonProblem(value, example);
  if (common) return common;
  const [withTag = '', digest, ...more] = value.split('@');
  if (more.length > 0) return `has more than one "@"; give name[:tag][@digest], e.g. ${example}`;
  if (digest !== undefined && !DIGEST.test(digest)) return `"${digest}" is not a digest such as sha256:<64 hex characters>`;
  const slash = withTag.lastIndexOf('/');
  const colon = withTag.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = hasTag ? withTag.slice(0, colon) : withTag;
  if (hasTag) {
    const tag = withTag.slice(colon + 1);
    if (!TAG.test(tag)) return `"${tag}" is not a tag: letters, digits, "_", "." and "-", at most 128, not starting with "." or "-"`;
  }
  return nameProblem(name, false, example);
}

/** For zod: `z.string().superRefine(ociRefinement(registryProblem))`. */
export function ociRefinement(problem: (value: string) => string | undefined): (value: string, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  };
}
