// Per-host certificate files (manual TLS without a wildcard) are asked right
// after the host name they belong to: the TLS section comes before the hosts exist.
import { fqdnProblem } from '../../answers/fields.js';
import { getAt, pathKey } from '../path.js';
import { text, type Question, type WizardData } from '../question.js';
import type { SectionId } from '../sections.js';

export function hostCertificateQuestions(d: WizardData, section: SectionId, idPrefix: string, host: unknown, group?: string): Question[] {
  const provisioning = getAt(d.raw, ['cluster', 'tls', 'provisioning']) ?? 'manual';
  const wildcard = getAt(d.raw, ['cluster', 'tls', 'wildcard']) === true;
  if (provisioning !== 'manual' || wildcard || typeof host !== 'string' || fqdnProblem(host) !== undefined) return [];
  const base = ['cluster', 'tls', 'hosts', host];
  const extra = group ? { group } : {};
  return [
    text(section, `${idPrefix}.tls.certFile`, [...base, 'certFile'], `Certificate file for ${host}`, { ...extra, owns: [pathKey(base)], placeholder: `./tls/${host}.crt` }),
    text(section, `${idPrefix}.tls.keyFile`, [...base, 'keyFile'], `Key file for ${host}`, { ...extra, placeholder: `./tls/${host}.key` }),
  ];
}
