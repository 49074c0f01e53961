// How a command reaches the hosts it checks: --resolve overrides (like curl
// --resolve) and the CAs to trust (--ca-file and the answers' private CA).
// Shared by install and status, so both read the flags the same way.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { HealthOptions } from '../tools/health.js';
import type { LoadedAnswers } from './answers-file.js';

function readCa(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`${flag} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`, ['give the path of a PEM CA certificate']);
  }
}

export function healthOptions(options: { readonly resolve?: readonly string[] | undefined; readonly caFile?: string | undefined }, loaded: LoadedAnswers | undefined): HealthOptions {
  const overrides = new Map<string, string>();
  for (const entry of options.resolve ?? []) {
    const [host, address] = entry.split('=');
    if (!host || !address || !/^[^:]+:\d+$/.test(address)) throw new UserError(`--resolve ${entry}: expected host=address:port, e.g. --resolve zenml.example.com=10.0.0.5:443`);
    overrides.set(host, address);
  }
  const tls = loaded?.answers.cluster.tls;
  const cas = [
    ...(options.caFile ? [readCa(options.caFile, '--ca-file')] : []),
    ...(loaded && tls && tls.ca !== 'public' && tls.caFile ? [readCa(loaded.resolvePath(tls.caFile), 'cluster.tls.caFile')] : []),
  ];
  return { resolve: overrides, ...(cas.length > 0 ? { ca: cas.join('\n') } : {}) };
}
