// A real terminal for tests to type into: a private tmux server (own socket,
// no config files) with one window of a fixed size. Keys go in with
// send-keys, the screen comes back with capture-pane; every byte the program
// writes is also kept (pipe-pane), so a test can check what was ever shown,
// not only the screens it happened to capture.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TerminalOptions {
  readonly cwd: string;
  /** Where the raw output log is written. */
  readonly logDir: string;
  readonly width?: number;
  readonly height?: number;
}

/** Quotes one word for the shell tmux starts the command with. */
export const shellQuote = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

export class TmuxTerminal {
  /** Every distinct screen captured, in order. */
  readonly screens: string[] = [];
  private readonly logFile: string;

  private constructor(
    private readonly socket: string,
    logDir: string,
  ) {
    this.logFile = join(logDir, `${socket}.log`);
  }

  /**
   * Starts `command` (an sh command line) in a new window. The command waits
   * for a first Enter, sent once the output log is attached, so nothing it
   * prints is missed; the pane stays after it exits, for the last screen.
   */
  static async start(command: string, options: TerminalOptions): Promise<TmuxTerminal> {
    const term = new TmuxTerminal(`zpi-test-${process.pid}-${Date.now().toString(36)}`, options.logDir);
    const size = ['-x', String(options.width ?? 100), '-y', String(options.height ?? 30)];
    // With more than one argument tmux runs it directly, not through the user's shell.
    await term.tmux('new-session', '-d', '-s', 'main', ...size, '-c', options.cwd, '/bin/sh', '-c', `read _go; ${command}`);
    await term.tmux('set-option', '-t', 'main', 'remain-on-exit', 'on');
    await term.tmux('pipe-pane', '-t', 'main', `cat >> ${shellQuote(term.logFile)}`);
    await term.keys('Enter');
    return term;
  }

  private async tmux(...args: string[]): Promise<string> {
    // -f /dev/null: the user's ~/.tmux.conf must not change key handling or the screen.
    const { stdout } = await run('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 5000 });
    return stdout;
  }

  /** tmux key names: Enter, Up, Down, BSpace, Escape, C-c … */
  async keys(...names: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', ...names);
  }

  /** Types text literally (no key-name lookup). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', 'main', '-l', '--', text);
  }

  /** The visible screen, trailing blank lines dropped. */
  async screen(): Promise<string> {
    return this.record(await this.tmux('capture-pane', '-p', '-t', 'main'));
  }

  /** The scrollback and the screen: everything still in the window. */
  async history(): Promise<string> {
    return this.record(await this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'main'));
  }

  private record(text: string): string {
    const screen = text.trimEnd();
    if (this.screens.at(-1) !== screen) this.screens.push(screen);
    return screen;
  }

  /** Polls `read` every 100 ms until `done` holds; fails with `what` and the screen after `timeoutMs`. */
  async waitFor(what: string, done: (screen: string) => boolean, options: { timeoutMs?: number; read?: 'screen' | 'history' } = {}): Promise<string> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const screen = options.read === 'history' ? await this.history() : await this.screen();
      if (done(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Everything the program wrote to the terminal, escape sequences included. */
  rawOutput(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8') : '';
  }

  async close(): Promise<void> {
    // kill-server hangs up the pane: a program still running gets SIGHUP.
    await this.tmux('kill-server').catch(() => undefined);
  }
}
