// The operator's pinned kubeconfig and context, loaded the way kubectl loads
// them, with one keep-alive agent for every request: the client builds a new
// agent (so a new TLS connection) per request, which would cost a handshake
// per read. Authentication stays per request (exec plugins refresh tokens).
import http from 'node:http';
import https from 'node:https';
import { createConfiguration, KubeConfig, ServerConfiguration, type Configuration, type RequestContext } from '@kubernetes/client-node';
import type { Target } from './argv.js';
import { KubeApiError } from './kube-errors.js';


/** What makes two agents interchangeable: the TLS material the client derived from the kubeconfig. */
function tlsKey(options: https.AgentOptions): string {
  const text = (v: unknown): string => {
    if (Array.isArray(v)) return v.map(text).join(',');
    if (Buffer.isBuffer(v)) return v.toString('base64');
    return typeof v === 'string' || typeof v === 'boolean' ? String(v) : JSON.stringify(v) ?? '';
  };
  return [options.ca, options.cert, options.key, options.pfx, options.passphrase, options.rejectUnauthorized, options.servername].map(text).join('|');
}

class SharedAgentKubeConfig extends KubeConfig {
  private shared: { key: string; agent: http.Agent } | undefined;

  /**
   * The shared agent in place of the fresh one the client made. Proxy agents
   * (kubeconfig proxy-url) are left as they are.
   */
  private share(fresh: unknown): unknown {
    const plain = fresh instanceof http.Agent && (fresh.constructor === https.Agent || fresh.constructor === http.Agent);
    if (!plain) return fresh;
    const options = (fresh as https.Agent).options;
    const key = `${fresh.constructor.name}|${tlsKey(options)}`;
    if (this.shared?.key !== key) {
      // Client certificates from exec plugins may rotate: new material gets a new agent
      // (the old one's requests finish; its idle sockets are unref'd and close with the server).
      const agentOptions = { ...options, keepAlive: true };
      this.shared = { key, agent: fresh.constructor === https.Agent ? new https.Agent(agentOptions) : new http.Agent(agentOptions) };
    }
    return this.shared.agent;
  }

  override async applyToFetchOptions(opts: https.RequestOptions): ReturnType<KubeConfig['applyToFetchOptions']> {
    const init = await super.applyToFetchOptions(opts);
    return { ...init, agent: this.share(init.agent) as typeof init.agent };
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setAgent(this.share(context.getAgent()) as http.Agent);
  }

  /** Closes idle keep-alive connections so the process can exit. */
  destroy(): void {
    this.shared?.agent.destroy();
    this.shared = undefined;
  }
}

export type PinnedKubeConfig = SharedAgentKubeConfig;

/**
 * Loads the kubeconfig (without one: KUBECONFIG or ~/.kube/config, as kubectl
 * does) and selects the context; an unknown context is a usage error, not a retry.
 */
export function loadPinnedKubeConfig(target: Target): PinnedKubeConfig {
  const kc = new SharedAgentKubeConfig();
  try {
    if (target.kubeconfig) kc.loadFromFile(target.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw new KubeApiError(`reading the kubeconfig ${target.kubeconfig ?? '(default)'}: ${(error as Error).message}`, undefined, false, 'InvalidKubeconfig');
  }
  if (!kc.getContextObject(target.context)) {
    throw new KubeApiError(`the kubeconfig ${target.kubeconfig ?? '(default)'} has no context "${target.context}"`, undefined, false, 'UnknownContext');
  }
  kc.setCurrentContext(target.context);
  if (!kc.getCurrentCluster()) throw new KubeApiError(`the context "${target.context}" names no cluster`, undefined, false, 'UnknownCluster');
  return kc;
}

/** The generated API classes' configuration for a pinned kubeconfig: its server and credentials, each request bounded by `timeoutMs`. */
export function apiConfiguration(kc: PinnedKubeConfig, timeoutMs: number): Configuration {
  return createConfiguration({
    baseServer: new ServerConfiguration(kc.getCurrentCluster()?.server ?? '', {}),
    authMethods: { default: kc },
    promiseMiddleware: [{
      pre: (context) => {
        context.setSignal(AbortSignal.timeout(timeoutMs));
        return Promise.resolve(context);
      },
      post: (response) => Promise.resolve(response),
    }],
  });
}
