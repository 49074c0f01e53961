// The simulation's own HTTP endpoints, beside the Kubernetes API on the same
// port (bearer token required), for tests that run the installer as another
// process:
//   GET    /_sim/faults          → {faults:[…]}
//   POST   /_sim/faults          body: one fault or an array (shapes in faults.ts) → 201 {faults:[added…]}
//   DELETE /_sim/faults[/{id}]   → remove all, or one
//   GET    /_sim/requests        → {requests:[…]} (`?since=<seq>` for newer ones only)
//   DELETE /_sim/requests        → empty the request log
import { ZodError } from 'zod';
import type { Faults, FaultSpec } from './faults.js';
import { json, type Reply } from './protocol.js';
import type { RequestLog } from './request-log.js';

export function handleAdmin(method: string, path: string, query: URLSearchParams, body: string, faults: Faults, log: RequestLog): Reply {
  const fail = (status: number, error: string): Reply => json(status, { error });
  if (path === '/_sim/faults') {
    if (method === 'GET') return json(200, { faults: faults.list() });
    if (method === 'DELETE') {
      faults.clear();
      return json(200, { faults: [] });
    }
    if (method === 'POST') {
      try {
        return json(201, { faults: faults.add(JSON.parse(body) as FaultSpec) });
      } catch (error) {
        const message = error instanceof ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (error as Error).message;
        return fail(400, `invalid fault: ${message}`);
      }
    }
  }
  const one = /^\/_sim\/faults\/([^/]+)$/.exec(path);
  if (one && method === 'DELETE') return faults.remove(one[1] ?? '') ? json(200, { removed: one[1] }) : fail(404, `no fault ${one[1] ?? ''}`);
  if (path === '/_sim/requests') {
    if (method === 'GET') {
      const since = Number(query.get('since') ?? '0');
      return json(200, { requests: log.list().filter((e) => e.seq > since) });
    }
    if (method === 'DELETE') {
      log.clear();
      return json(200, { requests: [] });
    }
  }
  return fail(404, `no simulation endpoint ${method} ${path}`);
}
