import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '@shinchoku/event-store';
import { Problem } from './problem';

/** What every command request says besides its body: who, whether it may be retried, which version it saw. */
export interface RequestContext {
  actor: Actor;
  /** From Idempotency-Key: a repeated request returns the first response and changes nothing. */
  idempotencyKey?: string;
  /** From If-Match: the version the client based its change on; stale → 412. */
  ifMatch?: number;
}

const KEY = /^[\x21-\x7e]{1,200}$/;

export const CommandRequest = createParamDecorator((_data: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { actor?: Actor }>();
  const key = header(request, 'idempotency-key');
  if (key !== undefined && !KEY.test(key)) {
    throw new Problem(400, 'InvalidHeader', 'Idempotency-Key must be 1–200 visible ASCII characters', [
      { path: 'header.idempotency-key', message: 'must be 1–200 visible ASCII characters (a UUID is ideal)' },
    ]);
  }
  const ifMatch = header(request, 'if-match');
  // RFC 9110 13.1.1: `*` holds whenever the resource exists, whatever its version. No check is
  // asked for, so the command answers as without the header: 404 for a sheet that does not exist
  // (13.2.1: preconditions are ignored where the answer would not have been 2xx or 412).
  const version = ifMatch === undefined || ifMatch.trim() === '*' ? undefined : parseVersionTag(ifMatch);
  return {
    actor: request.actor!,
    ...(key !== undefined && { idempotencyKey: key }),
    ...(version !== undefined && { ifMatch: version }),
  };
});

/** Accepts the ETag we send ("12"), a weak one (W/"12"), or a bare version number. */
function parseVersionTag(value: string): number {
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(value.trim());
  if (!match) {
    throw new Problem(400, 'InvalidHeader', 'If-Match must be the ETag of the sheet (its version)', [
      { path: 'header.if-match', message: `expected a version such as "12", got ${JSON.stringify(value)}` },
    ]);
  }
  return Number(match[1]);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export const etag = (version: number) => `"${version}"`;
