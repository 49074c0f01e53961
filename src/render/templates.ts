// The commented values templates, embedded in the bundle so the installer is
// one self-contained folder on a jump host.
import controlPlane from '../../templates/control-plane.yaml?raw';
import workspace from '../../templates/workspace.yaml?raw';
import type { Templates } from './render.js';

export const templates: Templates = { controlPlane, workspace };
