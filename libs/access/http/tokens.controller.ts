import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { CommandRequest, Problem, uuid } from '@shinchoku/http';
import type { RequestContext } from '@shinchoku/http';
import { Clock } from '@shinchoku/runtime';
import { ROLES, grantProblem } from '../domain/grants';
import { AccessTokens } from '../application/access-tokens';
import { Requires } from './requires';

const name = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const grant = z
  .object({ role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }), department: name.optional(), unit: name.optional() })
  .strict()
  .superRefine((value, context) => {
    const problem = grantProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
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

  @Post()
  @HttpCode(201)
  async issue(@Body({ schema: tokenBody }) body: z.infer<typeof tokenBody>, @CommandRequest() request: RequestContext) {
    const expiresAt = body.expiresAt === undefined ? undefined : new Date(body.expiresAt);
    if (expiresAt && expiresAt <= this.clock.now()) {
      throw new Problem(422, 'ExpiryInPast', 'expiresAt must be in the future', [{ path: 'body.expiresAt', message: 'is not in the future' }]);
    }
    const { tokenId, token, expiresAt: expires } = await this.tokens.issue({ name: body.name, grants: body.grants, ...(expiresAt && { expiresAt }) }, request.actor, 'api');
    return { tokenId, token, name: body.name, grants: body.grants, expiresAt: expires };
  }

  @Get()
  async list() {
    return { items: await this.tokens.list() };
  }

  @Delete(':tokenId')
  async revoke(@Param('tokenId', { schema: uuid }) id: string, @CommandRequest() request: RequestContext) {
    const revoked = await this.tokens.revoke(id, request.actor, 'api');
    if (!revoked) throw new Problem(404, 'TokenNotFound', `there is no token ${id}`);
    return { tokenId: id, ...revoked };
  }
}
