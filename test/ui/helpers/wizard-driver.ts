// Answers wizard screens by reading what is on them, as a user would: finds
// the question, moves the cursor to a choice, clears a prefilled field.
import { expect } from 'vitest';
import { KEYS, settle, stripAnsi, waitFor } from './frames.js';

export interface Terminal {
  readonly lastFrame: () => string | undefined;
  readonly stdin: { write(data: string): unknown };
}

export type UiAnswer = string | { readonly secret: 'generate' | 'type it now' | 'environment variable' | 'file'; readonly value?: string };

export class WizardDriver {
  constructor(private readonly term: Terminal) {}

  frame(): string {
    return stripAnsi(this.term.lastFrame() ?? '');
  }

  /** Writes input and waits until the frame differs from before. */
  async press(data: string): Promise<string> {
    const before = this.frame();
    this.term.stdin.write(data);
    const after = await waitFor(() => this.frame(), (f) => f !== before);
    await settle();
    return after;
  }

  question(): string | undefined {
    return /^\? (.+?)(?: \(optional\))?$/m.exec(this.frame())?.[1];
  }

  private choices(): { cursor: number; labels: string[] } {
    const labels: string[] = [];
    let cursor = -1;
    for (const line of this.frame().split('\n')) {
      const m = /^( ❯ | {3})(\S.*?)(?: {2}.*)?$/.exec(line);
      if (!m?.[1] || !m[2]) continue;
      if (m[1] === ' ❯ ') cursor = labels.length;
      labels.push(m[2]);
    }
    return { cursor, labels };
  }

  isChoice(): boolean {
    return this.choices().cursor !== -1;
  }

  async choose(label: string): Promise<void> {
    const { cursor, labels } = this.choices();
    const target = labels.indexOf(label);
    expect(target, `choice "${label}" among ${labels.join(', ')}`).toBeGreaterThanOrEqual(0);
    for (let i = cursor; i < target; i++) await this.press(KEYS.down);
    for (let i = cursor; i > target; i--) await this.press(KEYS.up);
    await this.press(KEYS.enter);
  }

  /** The text in the input field (empty when it shows a placeholder). */
  fieldText(): string {
    const line = this.frame()
      .split('\n')
      .find((l) => l.startsWith('› '));
    const text = (line ?? '').slice(2).trimEnd();
    return text.startsWith('e.g. ') || text.startsWith('empty: ') ? '' : text;
  }

  async typeText(value: string, submit = true): Promise<void> {
    for (let n = this.fieldText().length; n > 0; n--) await this.press(KEYS.backspace);
    if (value !== '') await this.press(value);
    if (submit) await this.press(KEYS.enter);
  }

  async answer(expectedQuestion: string, a: UiAnswer): Promise<void> {
    expect(this.question(), this.frame()).toBe(expectedQuestion);
    if (typeof a === 'object') {
      await this.choose(a.secret);
      if (a.secret !== 'generate') await this.typeText(a.value ?? '');
    } else if (this.isChoice()) await this.choose(a);
    else await this.typeText(a);
    expect(this.frame(), `after answering "${expectedQuestion}"`).not.toMatch(/^✖ /m);
  }
}
