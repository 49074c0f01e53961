// The text of `status`: one table row per component (fitted to the terminal
// width, 80 columns by default, truncating names rather than wrapping rows),
// then per component what the table has no room for (namespace, the health
// URL and which way it answered, enrollment, problems), wrapped, and a
// closing verdict. Pure.
import { describeEnrollment, type ComponentStatus, type HealthCheck, type StatusReport } from './status-report.js';

const GAP = '  ';
const HEADERS = ['COMPONENT', 'RELEASE', 'STATUS', 'CHART', 'APP', 'READY', 'HEALTH'] as const;
/** Columns that give up width when a row would not fit: the names. */
const SHRINKABLE = [0, 1];
const MIN_SHRUNK = 8;

function healthCell(h: HealthCheck): string {
  if (h.state === 'unhealthy') return `HTTP ${h.status}`;
  return h.state;
}

function row(c: ComponentStatus, label: string): string[] {
  const readyCount = c.deployments.filter((d) => d.found && d.desired > 0 && d.ready >= d.desired).length;
  return [
    label,
    c.release,
    c.revision === undefined ? c.status : `${c.status} r${c.revision}`,
    c.chartVersion ?? '-',
    c.appVersion ?? '-',
    c.revision === undefined ? '-' : `${readyCount}/${c.deployments.length}`,
    c.revision === undefined ? '-' : healthCell(c.health),
  ];
}

const clip = (cell: string, width: number): string => (cell.length <= width ? cell : `${cell.slice(0, width - 1)}…`);

/** Column widths that fit `width`: the name columns shrink (widest first) until the row fits or they reach their minimum. */
export function fitColumns(rows: readonly (readonly string[])[], width: number): number[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  while (total() > width) {
    const widest = SHRINKABLE.filter((i) => (widths[i] ?? 0) > MIN_SHRUNK).sort((a, b) => (widths[b] ?? 0) - (widths[a] ?? 0))[0];
    if (widest === undefined) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return widths;
}

/**
 * Words of `line` after `indent`, wrapped at `width`; continuation lines are
 * indented two more. A word longer than a line (a long URL) is cut into pieces.
 */
function wrap(line: string, indent: string, width: number): string[] {
  const out: string[] = [];
  const next = `${indent}  `;
  let current = indent;
  const fresh = (): boolean => current.trim() === '';
  for (const whole of line.split(' ')) {
    let word = whole;
    for (;;) {
      const room = width - current.length - (fresh() ? 0 : 1);
      if (word.length <= room) break;
      // Cut only what does not fit on a line of its own, and never into a full line.
      if (!fresh() && (word.length <= width - next.length || room < 1)) {
        out.push(current);
        current = next;
        continue;
      }
      out.push(current + (fresh() ? '' : ' ') + word.slice(0, room));
      word = word.slice(room);
      current = next;
    }
    current += fresh() ? word : ` ${word}`;
  }
  out.push(current);
  return out;
}

/**
 * The namespace, which way /health answered (a failed check is among the
 * problems), the enrollment, and every problem.
 */
function details(c: ComponentStatus, label: string, width: number): string[] {
  const lines = wrap(`${label}: release ${c.release} in namespace ${c.namespace}${c.chart ? `, chart ${c.chart}` : ''}`, '', width);
  if (c.health.state === 'healthy') lines.push(...wrap(`health: ${c.health.url} answered ${c.health.status} through ${c.health.path}`, '  ', width));
  if (c.enrollment) lines.push(...wrap(`enrollment: ${describeEnrollment(c.enrollment)}`, '  ', width));
  for (const problem of c.problems) lines.push(...wrap(`problem: ${problem}`, '  ', width));
  return lines;
}

function sourceLine(r: StatusReport): string {
  switch (r.source.kind) {
    case 'install-dir':
      return `releases of the install in ${r.source.path ?? '?'}`;
    case 'answers':
      return `releases named in ${r.source.path ?? '?'}`;
    case 'cluster':
      return 'releases of charts zenml-pro and zenml found in the cluster';
  }
}

/** Narrower than this, a table is no use; and a wrap needs room for at least one character. */
const MIN_WIDTH = 40;

export function statusTable(report: StatusReport, terminalWidth = 80): string[] {
  const width = Math.max(terminalWidth, MIN_WIDTH);
  const components = [
    ...(report.controlPlane ? [{ c: report.controlPlane, label: 'control plane' }] : []),
    ...report.workspaces.map((c) => ({ c, label: c.name })),
  ];
  const header = wrap(`Context ${report.context} (${report.server}): ${sourceLine(report)}`, '', width);
  if (components.length === 0) return [...header, '', 'No ZenML Pro release found.'];
  const rows = [[...HEADERS], ...components.map(({ c, label }) => row(c, label))];
  const widths = fitColumns(rows, width);
  const table = rows.map((r) => r.map((cell, i) => clip(cell, widths[i] ?? cell.length).padEnd(widths[i] ?? 0)).join(GAP).trimEnd());
  const sick = components.filter(({ c }) => !c.healthy).map(({ label }) => label);
  const verdict = sick.length === 0
    ? [components.length === 1 ? `${components[0]?.label ?? ''} is healthy.` : `All ${components.length} components are healthy.`]
    : wrap(`${sick.length} of ${components.length} component${components.length === 1 ? '' : 's'} ${sick.length === 1 ? 'is' : 'are'} not healthy: ${sick.join(', ')}.`, '', width);
  return [...header, '', ...table, '', ...components.flatMap(({ c, label }) => details(c, label, width)), '', ...verdict];
}
