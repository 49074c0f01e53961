// `sim`: runs the simulated cluster in the foreground for a demo or a rehearsal.
import { resolve } from 'node:path';
import { startSimulation } from '../sim/simulation.js';
import type { Output } from './output.js';

export async function simCommand(options: { out: string }, out: Output): Promise<number> {
  const sim = await startSimulation({ out: resolve(options.out) });
  out.info(`simulation ready: Kubernetes API ${sim.info.kubeApi}, control plane ${sim.info.controlPlane.url}; kubeconfig ${sim.info.kubeconfig} (context ${sim.info.context}), details in ${resolve(options.out, 'sim.json')}`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await sim.close();
  out.info('simulation stopped');
  return 0;
}
