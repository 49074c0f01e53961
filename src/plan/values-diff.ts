// What an upgrade changes in one release's values, as a unified diff the
// operator reads before confirming. Secrets pass through the run's redactor
// after diffing, so a changed secret still shows as a changed line (masked on
// both sides): an encryption key about to change must not go unnoticed.
import { structuredPatch } from 'diff';
import { stringify } from 'yaml';

const CONTEXT_LINES = 3;

/**
 * Sorted keys so key order never shows as a change; no line folding and no
 * anchors, so every value (a secret above all) stays whole on its own line,
 * where the redactor finds it.
 */
function asYaml(values: Readonly<Record<string, unknown>>): string {
  return stringify(values, { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false });
}

/** The unified diff (hunk headers and ' ', '+', '-' lines) from `live` to `next`; empty when they are equal. */
export function valuesDiff(live: Readonly<Record<string, unknown>>, next: Readonly<Record<string, unknown>>, scrub: (text: string) => string): string[] {
  const patch = structuredPatch('live', 'next', asYaml(live), asYaml(next), undefined, undefined, { context: CONTEXT_LINES });
  const lines = patch.hunks.flatMap((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines]);
  // Scrubbed in one pass: the redactor's pattern is long, and a pass per line costs far more than one over the whole.
  return lines.length === 0 ? [] : scrub(lines.join('\n')).split('\n');
}
