// Value-based redaction: the installer knows every secret it collected, so it
// scrubs those exact values (and the encodings they take on their way through
// Kubernetes, URLs and JSON) from everything it shows or writes. Key-name and
// regex redaction miss things; exact values do not.
//
// Encodings covered, for each secret value:
//   raw                 as typed
//   base64              standard alphabet, as a Kubernetes Secret's `data` shows it
//   base64 of base64    a Secret whose stringData already held base64
//   url                 encodeURIComponent, as in mysql://user:PASS@host
//   json                the inside of a JSON string literal (JSON.stringify)
//   json-go             the same with Go's HTML-safe escapes (\u003c \u003e \u0026),
//                       which kubectl -o json and helm print
//   each line           for a multi-line value (a PEM key), every line of 8+ chars,
//                       so line-by-line streams cannot leak it piecewise
// Not covered: compressed payloads such as Helm release records (base64 of gzip);
// keep those out of anything shown or bundled.

/** Values shorter than this are ignored: scrubbing "abc" everywhere would wreck output and hide nothing. */
export const MIN_SECRET_LENGTH = 4;
const MIN_LINE_FRAGMENT_LENGTH = 8;
export const REDACTED = '***';
/** Bounds the scrub loop; each pass shortens the text, so this is only reached on absurd inputs. */
const MAX_SCRUB_PASSES = 10_000;

export interface ScrubResult {
  readonly text: string;
  readonly replacements: number;
}

function base64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

function jsonInner(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function goJsonInner(value: string): string {
  return jsonInner(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** Every string form under which `value` may show up in output. */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value, base64(value), base64(base64(value)), jsonInner(value), goJsonInner(value)]);
  try {
    forms.add(encodeURIComponent(value));
  } catch {
    // A lone surrogate cannot be URL-encoded, so it cannot appear URL-encoded either.
  }
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r?\n|\r/)) {
      if (line.trim().length >= MIN_LINE_FRAGMENT_LENGTH) forms.add(line);
    }
  }
  return [...forms];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export class Redactor {
  /** form → label of the secret it came from; the first secret to claim a form keeps it. */
  private readonly forms = new Map<string, string>();
  private pattern: RegExp | undefined;

  /** Registers a secret value. Values shorter than MIN_SECRET_LENGTH are ignored. */
  add(value: string, label = 'secret'): void {
    if (value.length < MIN_SECRET_LENGTH) return;
    for (const form of secretForms(value)) {
      if (!this.forms.has(form)) {
        this.forms.set(form, label);
        this.pattern = undefined;
      }
    }
  }

  /** Number of distinct strings being scrubbed (never the strings themselves). */
  get formCount(): number {
    return this.forms.size;
  }

  private regex(): RegExp | undefined {
    if (this.forms.size === 0) return undefined;
    // Longest first, so that at any position the longest known form wins.
    this.pattern ??= new RegExp(
      [...this.forms.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'),
      'g',
    );
    return this.pattern;
  }

  /**
   * Replaces every known secret form with REDACTED and counts the replacements.
   * Repeats until nothing matches: a replacement can join its neighbours into a
   * new occurrence (secret "a***", text "aa***"); each pass shortens the text,
   * because every form is longer than REDACTED, so the loop ends.
   */
  scrubWithCount(text: string): ScrubResult {
    const regex = this.regex();
    if (regex === undefined) return { text, replacements: 0 };
    let current = text;
    let replacements = 0;
    for (let pass = 0; pass < MAX_SCRUB_PASSES; pass++) {
      let found = 0;
      const next = current.replace(regex, () => {
        found++;
        return REDACTED;
      });
      if (found === 0) return { text: current, replacements };
      replacements += found;
      current = next;
    }
    throw new Error('redaction did not converge; refusing to return possibly unredacted text');
  }

  scrub(text: string): string {
    return this.scrubWithCount(text).text;
  }

  /** The label of the first known secret found in `text`, or undefined. */
  containsSecret(text: string): string | undefined {
    const regex = this.regex();
    if (regex === undefined) return undefined;
    regex.lastIndex = 0;
    const match = regex.exec(text);
    regex.lastIndex = 0;
    return match === null ? undefined : this.forms.get(match[0]);
  }

  /**
   * Deep copy of plain objects and arrays with every string (keys too) scrubbed.
   * A number or bigint whose decimal form is a secret becomes the string REDACTED.
   * Other objects (Date, Buffer, class instances) are returned as they are.
   */
  scrubObject<T>(value: T): T {
    return this.scrubValue(value) as T;
  }

  private scrubValue(value: unknown): unknown {
    if (typeof value === 'string') return this.scrub(value);
    if (typeof value === 'number' || typeof value === 'bigint') {
      return this.containsSecret(String(value)) === undefined ? value : REDACTED;
    }
    if (Array.isArray(value)) return value.map((item) => this.scrubValue(item));
    if (isPlainObject(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [this.scrub(key), this.scrubValue(item)]),
      );
    }
    return value;
  }
}
