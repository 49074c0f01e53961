// Public entry of the simulated ZenML Pro control-plane API.
export {
  startControlPlaneApi,
  type ControlPlaneApi,
  type ControlPlaneApiOptions,
  type ControlPlaneStateView,
  type HealthOf,
  type RequestRecord,
} from './server.js';
export type { ControlPlaneFaultSwitches, EnrollmentFailure } from './faults.js';
export type { ParametersIn } from './openapi.js';
export type { WorkspaceSnapshot, WorkspaceStatus } from './store.js';
