// In-memory state of the simulated ZenML Pro control plane: users, tokens,
// organizations and workspaces, with the rules the real API enforces (name
// lengths, one name per organization, the enrollment key shown only once).
// No HTTP here: routes.ts maps requests onto these methods.
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError } from './http.js';

export const TOKEN_LIFETIME_SECONDS = 3600;
export const NAME_MAX_LENGTH = 50;

export type WorkspaceStatus = 'not_initialized' | 'pending' | 'available' | 'failed' | 'deactivated' | 'deleted';

export interface User {
  readonly id: string;
  readonly username: string;
  /** Read at each login: the admin's comes from the release's Secret, which may change or be missing. */
  readonly password: () => string | undefined;
  readonly email: string | null;
  readonly isSuperuser: boolean;
  readonly created: string;
}

interface Organization {
  readonly id: string;
  readonly name: string;
  readonly created: string;
  readonly memberIds: Set<string>;
}

interface Workspace {
  readonly id: string;
  readonly name: string;
  readonly organizationId: string;
  readonly enrollmentKey: string;
  readonly created: string;
  updated: string;
  status: WorkspaceStatus;
  serverUrl: string | null;
  version: string | null;
}

/** What tests see of a workspace, enrollment key included. */
export interface WorkspaceSnapshot {
  readonly id: string;
  readonly name: string;
  readonly organization: { readonly id: string; readonly name: string };
  readonly enrollmentKey: string;
  readonly status: WorkspaceStatus;
  readonly serverUrl: string | null;
  readonly version: string | null;
}

export interface WorkspaceFilter {
  readonly workspaceName?: string;
  readonly organizationId?: string;
  readonly status?: string;
  readonly isManaged?: boolean;
  readonly offset: number;
  readonly limit: number;
}

export interface StoreOptions {
  readonly adminUsername: string;
  readonly adminPassword: () => string | undefined;
  /** Name of the organization that exists from the start; null for none. */
  readonly organizationName: string | null;
  readonly now: () => number;
}

function secretToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

function checkName(kind: string, name: string): void {
  const length = [...name].length;
  if (length < 1 || length > NAME_MAX_LENGTH) {
    throw new ApiError(422, [{
      type: length < 1 ? 'string_too_short' : 'string_too_long',
      loc: ['query', 'name'],
      msg: `${kind} name must be 1 to ${NAME_MAX_LENGTH} characters long`,
    }]);
  }
}

export class ControlPlaneStore {
  readonly #now: () => number;
  readonly #users = new Map<string, User>();
  readonly #sessions = new Map<string, { userId: string; expiresAt: number }>();
  readonly #personalTokens = new Map<string, string>();
  readonly #organizations = new Map<string, Organization>();
  readonly #workspaces = new Map<string, Workspace>();

  constructor(options: StoreOptions) {
    this.#now = options.now;
    const admin: User = { id: randomUUID(), username: options.adminUsername, password: options.adminPassword, email: null, isSuperuser: true, created: this.#timestamp() };
    this.#users.set(admin.id, admin);
    if (options.organizationName !== null) this.createOrganization(admin, options.organizationName);
  }

  #timestamp(): string {
    return new Date(this.#now()).toISOString();
  }

  // --- users and tokens ---

  createUser(username: string, password: string, isSuperuser: boolean, email?: string): User {
    if ([...this.#users.values()].some((u) => u.username === username)) {
      throw new ApiError(409, `A user named '${username}' already exists`);
    }
    const user: User = { id: randomUUID(), username, password: () => password, email: email ?? null, isSuperuser, created: this.#timestamp() };
    this.#users.set(user.id, user);
    return user;
  }

  /** Users with this exact name, or all of them. */
  findUsers(username: string | undefined): User[] {
    return [...this.#users.values()].filter((u) => username === undefined || u.username === username);
  }

  /**
   * Exchanges a username and password, or a personal access token alone, for a
   * session token; a 401 otherwise.
   */
  login(username: string | undefined, password: string): { token: string; expiresIn: number } {
    let user: User | undefined;
    if (username === undefined) {
      const userId = this.#personalTokens.get(password);
      user = userId === undefined ? undefined : this.#users.get(userId);
      if (!user) throw new ApiError(401, 'Invalid personal access token');
    } else {
      user = [...this.#users.values()].find((u) => u.username === username);
      const expected = user?.password();
      if (user && expected === undefined) {
        throw new ApiError(401, `Password login for '${username}' is unavailable: the control plane has no admin password (ZENML_CLOUD_ADMIN_PASSWORD is not set in its release's Secret)`);
      }
      if (!user || expected !== password) throw new ApiError(401, 'Invalid username or password');
    }
    const token = secretToken(32);
    this.#sessions.set(token, { userId: user.id, expiresAt: this.#now() + TOKEN_LIFETIME_SECONDS * 1000 });
    return { token, expiresIn: TOKEN_LIFETIME_SECONDS };
  }

  /** The user a bearer token (session token or personal access token) belongs to. */
  authenticate(token: string): User | undefined {
    const session = this.#sessions.get(token);
    if (session) {
      if (session.expiresAt <= this.#now()) {
        this.#sessions.delete(token);
        return undefined;
      }
      return this.#users.get(session.userId);
    }
    const userId = this.#personalTokens.get(token);
    return userId === undefined ? undefined : this.#users.get(userId);
  }

  /** Stands in for "Settings → Access Tokens" in the UI, which has no API here. */
  issuePersonalAccessToken(username: string): string {
    const user = [...this.#users.values()].find((u) => u.username === username);
    if (!user) throw new Error(`no user named ${username}`);
    const token = `zenpat_${secretToken(24)}`;
    this.#personalTokens.set(token, user.id);
    return token;
  }

  // --- organizations ---

  createOrganization(creator: User, name: string): Organization {
    checkName('Organization', name);
    if ([...this.#organizations.values()].some((o) => o.name === name)) {
      throw new ApiError(409, `An organization named '${name}' already exists`);
    }
    const org: Organization = { id: randomUUID(), name, created: this.#timestamp(), memberIds: new Set([creator.id]) };
    this.#organizations.set(org.id, org);
    return org;
  }

  /** Superusers see every organization, others those they belong to. */
  organizationsOf(user: User): Organization[] {
    return [...this.#organizations.values()].filter((o) => user.isSuperuser || o.memberIds.has(user.id));
  }

  #organizationFor(user: User, id: string): Organization {
    const org = this.organizationsOf(user).find((o) => o.id === id);
    if (!org) throw new ApiError(404, `Organization ${id} not found`);
    return org;
  }

  // --- workspaces ---

  listWorkspaces(user: User, filter: WorkspaceFilter): Workspace[] {
    const visible = new Set(this.organizationsOf(user).map((o) => o.id));
    return [...this.#workspaces.values()]
      .filter((w) => visible.has(w.organizationId))
      .filter((w) => filter.workspaceName === undefined || w.name === filter.workspaceName)
      .filter((w) => filter.organizationId === undefined || w.organizationId === filter.organizationId)
      .filter((w) => filter.status === undefined || w.status === filter.status)
      // Every workspace here is enrolled, i.e. not managed by the control plane.
      .filter(() => filter.isManaged !== true)
      .slice(filter.offset, filter.offset + filter.limit);
  }

  getWorkspace(user: User, id: string): Workspace {
    const workspace = this.#workspaces.get(id);
    const visible = workspace && this.organizationsOf(user).some((o) => o.id === workspace.organizationId);
    if (!workspace || !visible) throw new ApiError(404, `Workspace ${id} not found`);
    return workspace;
  }

  /**
   * Creates an enrolled workspace. Without an organization id the caller's only
   * organization is used; with several the id is required.
   */
  enrollWorkspace(user: User, name: string, organizationId: string | undefined): Workspace {
    checkName('Workspace', name);
    let org: Organization;
    if (organizationId === undefined) {
      const orgs = this.organizationsOf(user);
      if (orgs.length !== 1 || !orgs[0]) {
        throw new ApiError(422, [{
          type: 'missing',
          loc: ['query', 'organization_id'],
          msg: orgs.length === 0
            ? 'No organization to put the workspace in: create one first'
            : 'organization_id is required when you belong to several organizations',
        }]);
      }
      org = orgs[0];
    } else {
      org = this.#organizationFor(user, organizationId);
    }
    if ([...this.#workspaces.values()].some((w) => w.organizationId === org.id && w.name === name)) {
      throw new ApiError(409, `A workspace named '${name}' already exists in organization '${org.name}'`);
    }
    const now = this.#timestamp();
    const workspace: Workspace = {
      id: randomUUID(),
      name,
      organizationId: org.id,
      enrollmentKey: secretToken(48),
      created: now,
      updated: now,
      status: 'not_initialized',
      serverUrl: null,
      version: null,
    };
    this.#workspaces.set(workspace.id, workspace);
    return workspace;
  }

  deleteWorkspace(user: User, id: string): Workspace {
    const workspace = this.getWorkspace(user, id);
    this.#workspaces.delete(id);
    return workspace;
  }

  /** What the real control plane records once the workspace server has connected with its enrollment key. */
  markWorkspaceConnected(id: string, serverUrl: string, version: string): void {
    const workspace = this.#workspaces.get(id);
    if (!workspace) throw new Error(`no workspace with id ${id}`);
    Object.assign(workspace, { status: 'available', serverUrl, version, updated: this.#timestamp() });
  }

  // --- JSON shapes of the API (field names as in ZenML's Pro client models) ---

  userJson(user: User): Record<string, unknown> {
    return {
      id: user.id,
      name: user.username,
      username: user.username,
      email: user.email,
      is_active: true,
      is_superuser: user.isSuperuser,
      created: user.created,
      updated: user.created,
    };
  }

  organizationJson(org: Organization): Record<string, unknown> {
    return { id: org.id, name: org.name, display_name: org.name, description: null, created: org.created, updated: org.created };
  }

  /** The enrollment key appears only when `withEnrollmentKey` (the enrollment response). */
  workspaceJson(workspace: Workspace, withEnrollmentKey = false): Record<string, unknown> {
    const org = this.#organizations.get(workspace.organizationId);
    return {
      id: workspace.id,
      name: workspace.name,
      display_name: workspace.name,
      description: null,
      logo_url: null,
      organization: org ? this.organizationJson(org) : null,
      is_managed: false,
      enrollment_key: withEnrollmentKey ? workspace.enrollmentKey : null,
      desired_state: 'available',
      state_reason: '',
      status: workspace.status,
      zenml_service: {
        configuration: workspace.version === null ? null : { version: workspace.version },
        status: workspace.serverUrl === null ? null : { server_url: workspace.serverUrl, version: workspace.version },
      },
      mlflow_service: null,
      created: workspace.created,
      updated: workspace.updated,
    };
  }

  // --- read-only views for tests ---

  workspaceSnapshots(): WorkspaceSnapshot[] {
    return [...this.#workspaces.values()].map((w) => ({
      id: w.id,
      name: w.name,
      organization: { id: w.organizationId, name: this.#organizations.get(w.organizationId)?.name ?? '' },
      enrollmentKey: w.enrollmentKey,
      status: w.status,
      serverUrl: w.serverUrl,
      version: w.version,
    }));
  }

  organizationSnapshots(): { id: string; name: string }[] {
    return [...this.#organizations.values()].map((o) => ({ id: o.id, name: o.name }));
  }

  userSnapshots(): { id: string; username: string; isSuperuser: boolean }[] {
    return [...this.#users.values()].map((u) => ({ id: u.id, username: u.username, isSuperuser: u.isSuperuser }));
  }
}
