import { describe, expect, test } from 'vitest';
import { valuesDiff } from '../../src/plan/values-diff.js';
import { Redactor } from '../../src/tools/redact.js';

const OLD_KEY = '0123456789abcdef'.repeat(4);
const NEW_KEY = 'fedcba9876543210'.repeat(4);

function redactor(...secrets: string[]): (text: string) => string {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return (text) => r.scrub(text);
}

const live = {
  server: {
    image: { repository: 'registry.example.com/zenml-pro-server', tag: '0.93.2' },
    secretsStore: { enabled: true, type: 'sql', sql: { encryptionKey: OLD_KEY } },
    serverURL: 'https://ml.example.com',
  },
};

describe('valuesDiff', () => {
  test('equal values, in any key order, give no diff', () => {
    const reordered = { server: { serverURL: live.server.serverURL, secretsStore: live.server.secretsStore, image: { tag: '0.93.2', repository: live.server.image.repository } } };
    expect(valuesDiff(live, reordered, (t) => t)).toEqual([]);
  });

  test('a version change is one changed line inside a hunk', () => {
    const next = { server: { ...live.server, image: { ...live.server.image, tag: '0.94.0' } } };
    const lines = valuesDiff(live, next, (t) => t);
    expect(lines[0]).toMatch(/^@@ -\d+,\d+ \+\d+,\d+ @@$/);
    expect(lines.filter((l) => l.startsWith('-'))).toEqual(['-    tag: 0.93.2']);
    expect(lines.filter((l) => l.startsWith('+'))).toEqual(['+    tag: 0.94.0']);
    expect(lines.every((l) => /^[ +-]|^@@ /.test(l))).toBe(true);
  });

  test('a secret that changed shows as a changed line, masked on both sides', () => {
    const next = { server: { ...live.server, secretsStore: { ...live.server.secretsStore, sql: { encryptionKey: NEW_KEY } } } };
    const lines = valuesDiff(live, next, redactor(OLD_KEY, NEW_KEY));
    expect(lines.filter((l) => /^[+-]/.test(l))).toEqual(['-      encryptionKey: ***', '+      encryptionKey: ***']);
    expect(lines.join('\n')).not.toContain(OLD_KEY);
    expect(lines.join('\n')).not.toContain(NEW_KEY);
  });

  test('a long secret is never folded across lines, where a line-by-line redactor would miss it', () => {
    const long = `${'s3cr3t '.repeat(30)}end`;
    const lines = valuesDiff({ a: { password: 'x' } }, { a: { password: long } }, redactor(long));
    expect(lines.filter((l) => l.startsWith('+'))).toEqual(['+  password: ***']);
  });
});
