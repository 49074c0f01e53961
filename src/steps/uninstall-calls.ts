// The helm and kubectl calls that remove things, pinned to the run's target
// and retried like the Cluster's own calls (src/tools/cluster.ts), which has
// none that delete yet: these belong there once it does.
import { helmArgs, kubectlArgs, type Target } from '../tools/argv.js';
import { helmNeverReachedCluster, RETRY_BUDGET, ToolError, type CallHooks, type Tools } from '../tools/cluster.js';
import { failureSummary, printableCommandLine, retryTransient, runTool, transientFailureReason, type ToolResult } from '../tools/exec.js';
import type { Redactor } from '../tools/redact.js';

export class RemovalCalls {
  constructor(
    private readonly target: Target,
    private readonly tools: Tools,
    private readonly redactor: Redactor,
  ) {}

  /** `helm uninstall`: repeated only when helm says it never reached the cluster, as for upgrades. */
  helm(what: string, args: readonly string[], hooks: CallHooks): Promise<void> {
    return this.call(what, this.tools.helm, helmArgs(this.target, args), hooks, helmNeverReachedCluster);
  }

  /** `kubectl delete --ignore-not-found`: repeating it after a passing API problem is harmless. */
  kubectl(what: string, args: readonly string[], hooks: CallHooks): Promise<void> {
    return this.call(what, this.tools.kubectl, kubectlArgs(this.target, args), hooks, transientFailureReason);
  }

  private async call(what: string, file: string, args: readonly string[], hooks: CallHooks, retryReason: (r: ToolResult) => string | undefined): Promise<void> {
    const result = await retryTransient(() => {
      // Said when it starts, so a view shows what is running while it runs.
      hooks.onCommand?.(printableCommandLine(file, args, this.redactor));
      return runTool({
        file, args, redactor: this.redactor,
        ...(this.tools.env ? { env: this.tools.env } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
        ...(hooks.onLine ? { onLine: hooks.onLine } : {}),
      });
    }, {
      ...RETRY_BUDGET,
      retryReason,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(hooks.onRetry ? { onRetry: (r: { attempt: number; reason: string; delayMs: number }) => hooks.onRetry?.(r.attempt, r.reason, r.delayMs) } : {}),
    });
    if (result.startError) throw new ToolError(`${what}: cannot run ${file}: ${result.startError}`, result, false);
    if (result.exitCode !== 0) throw new ToolError(`${what} failed\n${failureSummary(result, this.redactor, 12)}`, result, transientFailureReason(result) !== undefined);
  }
}
