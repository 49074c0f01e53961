// Read-only commands (status, adopt) reach the cluster the same way: the API
// client and the release inventory on one kubeconfig, a short retry for a
// blip (a read that fails at once beats a command that hangs), and a
// kubeconfig that does not load reported as the operator's to fix.
import { UserError } from '../errors.js';
import type { Target } from '../tools/argv.js';
import { KubeApi, KubeApiError } from '../tools/kube-api.js';
import { ReleaseInventory } from '../tools/release-inventory.js';

export const READ_RETRY = { budgetMs: 3000, baseDelayMs: 250, maxDelayMs: 1000 };

export function openClusterReads(target: Target, scrub: (text: string) => string): { api: KubeApi; inventory: ReleaseInventory } {
  let api: KubeApi;
  try {
    api = KubeApi.open(target, { scrub, retry: READ_RETRY });
  } catch (error) {
    // A kubeconfig that does not load (a cluster entry without a server…) is the operator's to fix.
    if (error instanceof KubeApiError) throw new UserError(error.message, ['check the file given with --kubeconfig (or $KUBECONFIG) and --context']);
    throw error;
  }
  // The kubeconfig loaded once, so it loads for this too.
  return { api, inventory: ReleaseInventory.open(target, { scrub, retry: READ_RETRY }) };
}
