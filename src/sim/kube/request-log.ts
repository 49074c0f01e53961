// Every API request the simulation answered, for tests to assert on
// ("the installer never wrote X", "used server-side apply", "re-run made no
// mutating call"). Admin requests under /_sim/ are not recorded.

export interface RequestLogEntry {
  readonly seq: number;
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /** The raw query string, without `?`. */
  readonly query: string;
  readonly params: Readonly<Record<string, string>>;
  readonly contentType?: string;
  readonly accept?: string;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  /**
   * POST/PUT/PATCH/DELETE that can change cluster state: access reviews
   * (`auth can-i`) and `dryRun=All` requests do not count.
   */
  readonly mutating: boolean;
  readonly watch: boolean;
  readonly protocol: 'h2' | 'http/1.1';
  /** The id of the injected fault that decided this request, if any. */
  fault?: string;
}

const LIMIT = 50_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  add(entry: Omit<RequestLogEntry, 'seq' | 'time'>): RequestLogEntry {
    const full: RequestLogEntry = { seq: ++this.seq, time: new Date().toISOString(), ...entry };
    this.entries.push(full);
    if (this.entries.length > LIMIT) this.entries.splice(0, this.entries.length - LIMIT);
    return full;
  }

  list(): RequestLogEntry[] {
    return [...this.entries];
  }

  mutations(): RequestLogEntry[] {
    return this.entries.filter((e) => e.mutating);
  }

  clear(): void {
    this.entries = [];
  }
}

export function isMutating(method: string, path: string, params: URLSearchParams): boolean {
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) return false;
  if (path.includes('/selfsubjectaccessreviews') || path.includes('/selfsubjectrulesreviews')) return false;
  return params.get('dryRun') !== 'All';
}
