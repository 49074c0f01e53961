// Per-host certificate files (manual TLS without a wildcard) are asked right
// after the host name they belong to: the TLS section comes before the hosts exist.
import { fqdnProblem } from '../../answers/fields.js';
import { getAt, pathKey } from '../path.js';
import { fileCheck, text, type Question, type WizardData } from '../question.js';
import type { SectionId } from '../sections.js';

export function hostCertificateQuestions(d: WizardData, section: SectionId, idPrefix: string, host: unknown, group?: string): Question[] {
  const provisioning = getAt(d.raw, ['cluster', 'tls', 'provisioning']) ?? 'manual';
  const wildcard = getAt(d.raw, ['cluster', 'tls', 'wildcard']) === true;
  if (provisioning !== 'manual' || wildcard || typeof host !== 'string' || fqdnProblem(host) !== undefined) return [];
  const base = ['cluster', 'tls', 'hosts', host];
  const extra = group ? { group } : {};
  const cert = `Certificate file for ${host}`;
  const key = `Key file for ${host}`;
  return [
    text(section, `${idPrefix}.tls.certFile`, [...base, 'certFile'], cert, { ...extra, owns: [pathKey(base)], placeholder: `./tls/${host}.crt`, check: fileCheck(cert) }),
    text(section, `${idPrefix}.tls.keyFile`, [...base, 'keyFile'], key, { ...extra, placeholder: `./tls/${host}.key`, check: fileCheck(key) }),
  ];
}
