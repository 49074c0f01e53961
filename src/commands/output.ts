// Plain text output for commands that are not the live UI: results on
// stdout, warnings and errors on stderr, colour only on a terminal without NO_COLOR.

export interface Output {
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

const colorOn = (stream: NodeJS.WriteStream): boolean => Boolean(stream.isTTY) && !('NO_COLOR' in process.env);

function paint(stream: NodeJS.WriteStream, code: string, text: string): string {
  return colorOn(stream) ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export const consoleOutput: Output = {
  info: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stderr.write(`${paint(process.stderr, '33', 'warning:')} ${line}\n`),
  error: (line) => process.stderr.write(`${paint(process.stderr, '31', 'error:')} ${line}\n`),
};
