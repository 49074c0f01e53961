// A terminal of a given size for Ink to draw on: it applies the cursor
// movements and line erases Ink writes, so `screen()` is what a user would
// see (including <Static> lines printed earlier), and keeps colour codes.
import { EventEmitter } from 'node:events';

const TOKEN = /\u001B\[([0-9;?]*)([A-Za-z])|\n|\r|[^\u001B\n\r]+|\u001B/g;
const SGR = /\u001B\[[0-9;]*m/g;

export class VirtualStdout extends EventEmitter {
  readonly isTTY = true;
  private lines: string[] = [''];
  private row = 0;
  private col = 0;

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }

  write = (chunk: string | Uint8Array): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const m of text.matchAll(TOKEN)) this.apply(m[0], m[1], m[2]);
    return true;
  };

  private apply(token: string, params: string | undefined, command: string | undefined): void {
    if (token === '\n') {
      this.row++;
      this.col = 0;
      while (this.lines.length <= this.row) this.lines.push('');
      return;
    }
    if (token === '\r') {
      this.col = 0;
      return;
    }
    if (command === undefined) {
      const line = this.lines[this.row] ?? '';
      this.lines[this.row] = line.slice(0, this.col) + token;
      this.col += token.length;
      return;
    }
    if (command === 'm') {
      this.apply(token, undefined, undefined);
      return;
    }
    if (params?.startsWith('?')) return;
    const n = Number(params || '1');
    switch (command) {
      case 'A':
        this.row = Math.max(0, this.row - n);
        break;
      case 'B':
        this.row += n;
        while (this.lines.length <= this.row) this.lines.push('');
        break;
      case 'G':
        this.col = n - 1;
        break;
      case 'H':
        this.row = 0;
        this.col = 0;
        break;
      case 'K':
        this.lines[this.row] = params === '2' ? '' : (this.lines[this.row] ?? '').slice(0, this.col);
        break;
      case 'J':
        if (params === '2' || params === '3') {
          this.lines = [''];
          this.row = 0;
          this.col = 0;
        }
        break;
    }
  }

  /** Everything on screen, colour codes included, without trailing blank lines. */
  screen(): string {
    const lines = [...this.lines];
    while (lines.length > 0 && (lines.at(-1) ?? '').trim() === '') lines.pop();
    return lines.join('\n');
  }

  /** The screen as plain text. */
  plain(): string {
    return this.screen().replace(SGR, '');
  }
}

/** Keyboard input for Ink: raw-mode capable, fed with `write`. */
export class VirtualStdin extends EventEmitter {
  readonly isTTY = true;
  private queue: string[] = [];

  write(data: string): void {
    this.queue.push(data);
    this.emit('readable');
  }

  read(): string | null {
    return this.queue.shift() ?? null;
  }

  setRawMode(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
}
