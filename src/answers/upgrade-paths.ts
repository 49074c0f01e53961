// Versions an upgrade must pass through on its way to the target. Some
// releases only migrate their database correctly from the release right before
// them; skipping one would leave the schema half-way. Like compatibility, this
// is data the installer ships, not something the version numbers can tell.

export interface UpgradeStop {
  readonly chart: 'zenml-pro' | 'zenml';
  /**
   * An upgrade of this chart from a version below this one to a version above
   * it must first upgrade to exactly this version.
   */
  readonly version: string;
  /** Why the stop is required, shown to the operator. */
  readonly why: string;
  /** Where the fact comes from, shown to the operator. */
  readonly source: string;
}

/**
 * Empty on purpose: ZenML's upgrade guides for the control plane and the
 * workspace servers name no required intermediate version today. Add an entry
 * when release notes or a migration guide require one.
 */
export const KNOWN_UPGRADE_STOPS: readonly UpgradeStop[] = [];
