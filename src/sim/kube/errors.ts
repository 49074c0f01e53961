// `kind: Status` failures, shaped like the real API server's: clients decide
// on `reason` and `code` (Helm's IsNotFound/IsAlreadyExists, kubectl's messages).
import { qualifiedResource, type ResourceType } from './registry.js';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toStatus(): StatusBody {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: this.message, reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

function named(type: ResourceType, name: string | undefined): string {
  return name ? `${qualifiedResource(type)} "${name}"` : qualifiedResource(type);
}

export function notFound(type: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${named(type, name)} not found`, { name, group: type.group, kind: type.plural });
}

export function alreadyExists(type: ResourceType, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${named(type, name)} already exists`, { name, group: type.group, kind: type.plural });
}

export function conflict(type: ResourceType, name: string): ApiError {
  return new ApiError(409, 'Conflict',
    `Operation cannot be fulfilled on ${named(type, name)}: the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: type.group, kind: type.plural });
}

/** 422 Invalid; `details.kind` is the Kind here, as on a real server. */
export function invalid(type: ResourceType, name: string, causes: { field: string; message: string }[]): ApiError {
  const kindRef = type.group === '' ? type.kind : `${type.kind}.${type.group}`;
  const text = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  return new ApiError(422, 'Invalid', `${kindRef} "${name}" is invalid: ${text}`, {
    name, group: type.group, kind: type.kind,
    causes: causes.map((c) => ({ reason: 'FieldValueInvalid', message: c.message, field: c.field })),
  });
}

export function forbidden(type: ResourceType, name: string | undefined, why: string): ApiError {
  return new ApiError(403, 'Forbidden', `${named(type, name)} is forbidden: ${why}`, {
    ...(name ? { name } : {}), group: type.group, kind: type.plural,
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got ${contentType})`);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}
