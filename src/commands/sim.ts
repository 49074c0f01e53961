// `sim`: runs the simulated cluster in the foreground for a demo or a rehearsal,
// and prints the exact `install` command that installs into it.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { startSimulation, type Simulation } from '../sim/simulation.js';
import { shellLine } from '../tools/argv.js';
import type { Output } from './output.js';

/**
 * `install` into this simulation, as this installer was started (node and its
 * script), with examples/sim.yaml and the bundled helm and kubectl when they
 * are beside it (a clone), else helm and kubectl from PATH and your answers.
 */
function installCommandFor(sim: Simulation, out: string): string {
  const script = realpathSync(process.argv[1] ?? '');
  const root = dirname(dirname(script));
  const answers = join(root, 'examples', 'sim.yaml');
  const tool = (name: string): string[] => (existsSync(join(root, '.tools', 'bin', name)) ? [`--${name}`, join(root, '.tools', 'bin', name)] : []);
  return shellLine(process.execPath, [
    script, 'install', '--answers', existsSync(answers) ? answers : '<your-answers.yaml>',
    '--kubeconfig', sim.info.kubeconfig, '--dir', join(out, 'install'), ...tool('helm'), ...tool('kubectl'),
    // The health checks trust the simulation's CA and reach every host at the address its ingresses publish.
    '--ca-file', sim.info.caFile, '--yes',
  ]);
}

export async function simCommand(options: { out: string }, out: Output): Promise<number> {
  const dir = resolve(options.out);
  const sim = await startSimulation({ out: dir });
  out.info(`simulation ready: Kubernetes API ${sim.info.kubeApi}, control plane ${sim.info.controlPlane.url}; kubeconfig ${sim.info.kubeconfig} (context ${sim.info.context}), details in ${join(dir, 'sim.json')}`);
  out.info(`install into it from another terminal with:\n  ${installCommandFor(sim, dir)}`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await sim.close();
  out.info('simulation stopped');
  return 0;
}
