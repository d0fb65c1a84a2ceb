import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Operation, type Out } from '@shinchoku/http';
import { canonicalGrant } from '../domain/grants';
import { permissionsOf } from '../domain/permissions';
import type { Principal } from '../application/principal';
import { Caller, SignedIn } from './requires';
import * as r from './responses';

/** The caller's own grants: what a client (the web app) needs to offer only what the server allows. */
@ApiTags('access')
@ApiBearerAuth()
@Controller('api/v1/me')
export class MeController {
  @Operation({
    summary: 'Who am I',
    description:
      'The signed-in person (the actor recorded on what they do), how they signed in, their grants, and each permission those give with where it holds. Any valid credential may ask, even one with no grants.',
    responses: [{ status: 200, description: 'The caller.', json: r.me }],
    self: true,
  })
  @SignedIn()
  @Get()
  me(@Caller() { actor, via, grants }: Principal): Out<typeof r.me> {
    return { actor: { id: actor.id, name: actor.name }, via, grants: grants.map(canonicalGrant), permissions: permissionsOf(grants) };
  }
}
