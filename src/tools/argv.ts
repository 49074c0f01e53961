// Command lines for helm and kubectl, always pinned to the run's target.
// Pure: the plan prints these and the engine runs them.

/** Where every helm/kubectl call goes: pinned for the whole run. */
export interface Target {
  readonly context: string;
  readonly kubeconfig?: string | undefined;
}

export function kubectlArgs(target: Target, args: readonly string[]): string[] {
  return [...args, '--context', target.context, ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : [])];
}

export function helmArgs(target: Target, args: readonly string[]): string[] {
  return [...args, '--kube-context', target.context, ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : [])];
}

/** Quotes an argv for display (copy-pasteable in a POSIX shell). */
export function shellLine(file: string, args: readonly string[]): string {
  const quote = (a: string): string => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [file, ...args].map(quote).join(' ');
}
