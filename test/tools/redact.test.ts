import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor, secretForms } from '../../src/tools/redact.js';

const encodings: Record<string, (value: string) => string> = {
  raw: (v) => v,
  base64: (v) => Buffer.from(v, 'utf8').toString('base64'),
  base64OfBase64: (v) => Buffer.from(Buffer.from(v, 'utf8').toString('base64')).toString('base64'),
  url: (v) => encodeURIComponent(v),
  json: (v) => JSON.stringify(v).slice(1, -1),
};

// Secrets with the characters that break naive redaction: regex metacharacters,
// quotes, backslashes, newlines, non-ASCII, and the redaction marker itself.
const nastyChars = fc.constantFrom(...'.*+?^${}()|[]\\/"\'`\n\r\t %&<>=:@#é中😀*'.split(''));
const secretArb = fc
  .array(fc.oneof(nastyChars, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 })), { minLength: 2, maxLength: 12 })
  .map((parts) => parts.join(''))
  .filter((s) => s.length >= 4 && s.trim().length > 0);
const textArb = fc.string({ unit: 'grapheme', maxLength: 40 });

function urlEncodable(value: string): boolean {
  try {
    encodeURIComponent(value);
    return true;
  } catch {
    return false;
  }
}

describe('Redactor', () => {
  it('scrubs the raw value and each documented encoding, as they appear in real output', () => {
    const r = new Redactor();
    r.add('p@ss:w/rd"<&>', 'db password');
    const secretYaml = `data:\n  password: ${Buffer.from('p@ss:w/rd"<&>').toString('base64')}\n`;
    const url = `mysql://zenml:${encodeURIComponent('p@ss:w/rd"<&>')}@db:3306/zenml`;
    const json = JSON.stringify({ password: 'p@ss:w/rd"<&>' });
    const goJson = '{"password":"p@ss:w/rd\\"\\u003c\\u0026\\u003e"}';
    for (const text of [secretYaml, url, json, goJson, 'plain p@ss:w/rd"<&> here']) {
      expect(r.containsSecret(text)).toBe('db password');
      const out = r.scrub(text);
      expect(out).toContain(REDACTED);
      expect(r.containsSecret(out)).toBeUndefined();
    }
    expect(r.scrub(url)).toBe('mysql://zenml:***@db:3306/zenml');
    expect(r.scrub(json)).toBe('{"password":"***"}');
  });

  it('ignores values shorter than four characters', () => {
    const r = new Redactor();
    r.add('abc');
    expect(r.formCount).toBe(0);
    expect(r.scrub('abc abc')).toBe('abc abc');
  });

  it('scrubs every line of a multi-line secret, so per-line streams cannot leak it', () => {
    const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n';
    const r = new Redactor();
    r.add(key, 'tls key');
    expect(r.scrub('line: MIIEvQIBADANBgkqhkiG9w0BAQEFAASC')).toBe('line: ***');
    expect(r.containsSecret('BKcwggSjAgEAAoIBAQC7')).toBe('tls key');
  });

  it('keeps scrubbing until no secret remains when a replacement creates a new occurrence', () => {
    const r = new Redactor();
    r.add('a***');
    expect(r.scrub('aaaa***')).toBe('***');
  });

  it('reports the label of the secret found and counts replacements', () => {
    const r = new Redactor();
    r.add('first-secret', 'first');
    r.add('second-secret', 'second');
    expect(r.containsSecret('x second-secret y')).toBe('second');
    expect(r.scrubWithCount('first-secret and first-secret and second-secret').replacements).toBe(3);
  });

  it('prefers the longest form when one secret contains another', () => {
    const r = new Redactor();
    r.add('token', 'short');
    r.add('token-with-suffix', 'long');
    expect(r.scrub('x token-with-suffix y')).toBe('x *** y');
  });

  it('scrubObject scrubs strings and keys deeply and leaves other values alone', () => {
    const r = new Redactor();
    r.add('hunter2hunter2');
    r.add('123456');
    const when = new Date(0);
    const out = r.scrubObject({
      a: ['x hunter2hunter2', { hunter2hunter2: 1, n: 123456, ok: 42, t: true, z: null }],
      when,
    });
    expect(out).toEqual({ a: ['x ***', { '***': 1, n: '***', ok: 42, t: true, z: null }], when });
    expect(out.when).toBe(when);
  });

  it('property: a secret embedded in any documented encoding never survives scrub', () => {
    fc.assert(
      fc.property(
        secretArb,
        textArb,
        textArb,
        fc.constantFrom(...Object.keys(encodings)),
        (secret, before, after, encoding) => {
          fc.pre(encoding !== 'url' || urlEncodable(secret));
          const r = new Redactor();
          r.add(secret, 'S');
          const encoded = encodings[encoding]!(secret);
          const text = `${before}${encoded}${after}`;
          expect(r.containsSecret(text)).toBe('S');
          const out = r.scrub(text);
          for (const form of secretForms(secret)) expect(out.includes(form)).toBe(false);
          expect(out.includes(encoded)).toBe(false);
          expect(r.containsSecret(out)).toBeUndefined();
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: several secrets at once, repeated and adjacent, all scrubbed', () => {
    fc.assert(
      fc.property(fc.array(secretArb, { minLength: 1, maxLength: 4 }), fc.array(textArb, { maxLength: 6 }), (secrets, fillers) => {
        const r = new Redactor();
        secrets.forEach((s, i) => r.add(s, `s${i}`));
        const text = [...secrets, ...fillers, ...secrets.map((s) => encodings.base64!(s)), secrets.join('')].join('');
        const out = r.scrub(text);
        expect(r.containsSecret(out)).toBeUndefined();
        for (const s of secrets) expect(out.includes(s)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('property: text without secrets is returned unchanged', () => {
    fc.assert(
      fc.property(secretArb, textArb, (secret, text) => {
        const r = new Redactor();
        r.add(secret);
        fc.pre(r.containsSecret(text) === undefined);
        expect(r.scrub(text)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
