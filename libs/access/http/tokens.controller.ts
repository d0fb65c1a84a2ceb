import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CommandRequest, Operation, Problem, uuid, type Out } from '@shinchoku/http';
import type { RequestContext } from '@shinchoku/http';
import { Clock } from '@shinchoku/runtime';
import { ROLES, grantProblem } from '../domain/grants';
import { AccessTokens } from '../application/access-tokens';
import { Requires } from './requires';
import * as r from './responses';

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const grant = z
  .object({ role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }), department: name.optional(), unit: name.optional() })
  .strict()
  .superRefine((value, context) => {
    const problem = grantProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  })
  // grantProblem's rules, as the document can state them.
  .meta({
    // `not: {}` on a property: it must be absent. The three scopes exclude each other.
    anyOf: [
      {
        description: 'Over the whole organization',
        properties: { role: { enum: ['admin', 'auditor', 'viewer'] }, department: { not: {} }, unit: { not: {} } },
      },
      {
        description: 'Over a department',
        properties: { role: { enum: ['coordinator', 'viewer'] }, department: {}, unit: { not: {} } },
        required: ['department'],
      },
      {
        description: 'Over an org unit',
        properties: { role: { enum: ['editor', 'evaluator', 'viewer'] }, department: {}, unit: {} },
        required: ['department', 'unit'],
      },
    ],
  });
const tokenBody = z
  .object({
    name,
    grants: z.array(grant).min(1, 'give at least one grant').max(50),
    expiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO timestamp such as 2025-03-31T23:59:59+09:00' }).optional(),
  })
  .strict();

/** Per-person API tokens, for administrators: the token is in the 201 response and nowhere else. */
@ApiTags('access')
@ApiBearerAuth()
@Requires('tokens.manage')
@Controller('api/v1/tokens')
export class TokensController {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly clock: Clock,
  ) {}

  @Operation({
    summary: 'Issue a token',
    description:
      'A per-person API token (shk_…) with its grants: a role over the organization, a department (区, 局/部) or an org unit (課). admin and auditor take no department; coordinator a department and no unit; editor and evaluator a department and a unit; viewer any of these.',
    responses: [{ status: 201, description: 'Issued: the token is in this response only.', json: r.tokenIssued }],
    problems: [422],
    jsonBody: true,
  })
  @Post()
  @HttpCode(201)
  async issue(
    @Body({ schema: tokenBody }) body: z.infer<typeof tokenBody>,
    @CommandRequest() request: RequestContext,
  ): Promise<Out<typeof r.tokenIssued>> {
    const expiresAt = body.expiresAt === undefined ? undefined : new Date(body.expiresAt);
    if (expiresAt && expiresAt <= this.clock.now()) {
      throw new Problem(422, 'ExpiryInPast', 'expiresAt must be in the future', [
        { path: 'body.expiresAt', message: 'is not in the future' },
      ]);
    }
    const {
      tokenId,
      token,
      expiresAt: expires,
    } = await this.tokens.issue({ name: body.name, grants: body.grants, ...(expiresAt && { expiresAt }) }, request.actor, 'api');
    return { tokenId, token, name: body.name, grants: body.grants, expiresAt: expires };
  }

  @Operation({
    summary: 'List tokens',
    description: 'Every token issued, with its grants, expiry, revocation and last use; never the token itself.',
    responses: [{ status: 200, description: 'The tokens.', json: r.tokenList }],
  })
  @Get()
  async list(): Promise<Out<typeof r.tokenList>> {
    return { items: await this.tokens.list() };
  }

  @Operation({
    summary: 'Revoke a token',
    description: 'Stops a token from working, on every API process within moments. Revoking it again answers when it was revoked.',
    responses: [{ status: 200, description: 'Revoked.', json: r.tokenRevoked }],
    problems: [404],
  })
  @Delete(':tokenId')
  async revoke(
    @Param('tokenId', { schema: uuid }) id: string,
    @CommandRequest() request: RequestContext,
  ): Promise<Out<typeof r.tokenRevoked>> {
    const revoked = await this.tokens.revoke(id, request.actor, 'api');
    if (!revoked) throw new Problem(404, 'TokenNotFound', `there is no token ${id}`);
    return { tokenId: id, ...revoked };
  }
}
