// Colours for the Ink views, off when NO_COLOR is set (https://no-color.org):
// then every style is dropped and the output is plain text.
import { createContext, useContext } from 'react';

export interface Palette {
  readonly ok?: string;
  readonly fail?: string;
  readonly warn?: string;
  readonly accent?: string;
  /** Dim secondary text. */
  readonly dim: boolean;
  readonly bold: boolean;
}

const COLOURED: Palette = { ok: 'green', fail: 'red', warn: 'yellow', accent: 'cyan', dim: true, bold: true };
const PLAIN: Palette = { dim: false, bold: false };

export function colorsEnabled(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return (env.NO_COLOR ?? '') === '';
}

export const paletteFor = (color: boolean): Palette => (color ? COLOURED : PLAIN);

export const PaletteContext = createContext<Palette>(COLOURED);

export const usePalette = (): Palette => useContext(PaletteContext);
