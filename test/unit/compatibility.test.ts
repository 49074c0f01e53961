import { describe, expect, test } from 'vitest';
import { checkCompatibility, KNOWN_COMPATIBILITY, type CompatibilityEntry } from '../../src/answers/compatibility.js';

// A table as ZenML (or an offline bundle's manifest) could publish it: complete entries.
const table: CompatibilityEntry[] = [
  { controlPlane: '0.12.0', newestWorkspace: '0.90.1', complete: true, source: 'table A' },
  { controlPlane: '0.13.0', newestWorkspace: '0.93.2', complete: true, source: 'table A' },
];

describe('control plane and workspace servers: independent version lines', () => {
  test("the guide's example pair is compatible by the shipped table, though 0.93.2 > 0.13.0 as numbers", () => {
    expect(checkCompatibility('0.13.0', '0.93.2')).toMatchObject({ verdict: 'compatible' });
    expect(checkCompatibility('0.13.0', '0.82.0')).toMatchObject({ verdict: 'compatible' });
  });

  test('the shipped table does not claim more than the guide says: a later workspace is unknown, not refused', () => {
    const r = checkCompatibility('0.13.0', '0.94.0', KNOWN_COMPATIBILITY);
    expect(r.verdict).toBe('unknown');
    expect(r.verdict === 'unknown' && r.message).toContain('control plane 0.13.0 serves workspace server 0.94.0');
  });

  test('a complete entry refuses a newer workspace, naming both versions and the control plane that serves it', () => {
    const r = checkCompatibility('0.12.0', '0.93.0', table);
    expect(r.verdict).toBe('incompatible');
    const message = r.verdict === 'incompatible' ? r.message : '';
    expect(message).toContain('workspace server 0.93.0');
    expect(message).toContain('control plane 0.12.0');
    expect(message).toContain('upgrade the control plane to 0.13.0 or newer first');
  });

  test('a later control plane release serves what an earlier one was known to serve; beyond that is a warning', () => {
    expect(checkCompatibility('0.14.0', '0.93.2')).toMatchObject({ verdict: 'compatible', source: expect.stringContaining('a later release than 0.13.0') });
    expect(checkCompatibility('0.14.0', '0.90.0', table).verdict).toBe('compatible');
    expect(checkCompatibility('0.14.0', '0.94.0', table).verdict).toBe('unknown');
    expect(checkCompatibility('0.11.0', '0.90.0', table).verdict).toBe('unknown');
  });
});
