import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Operation, Public, type Out } from '@shinchoku/http';
import { CONFIG } from '@shinchoku/runtime';
import type { AccessConfig as Config } from '../access-settings';
import * as r from './responses';

/** What a sign-in page needs before anyone is signed in: whether SSO is offered, and where. */
@ApiTags('access')
@Public()
@Controller('api/v1/sign-in/options')
export class SignInController {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  @Operation({
    summary: 'How to sign in',
    description:
      'Whether sign-in through the identity provider (OIDC authorization code with PKCE, a public client) is offered, and its endpoints, client id and scope: what a browser needs to start it, nothing secret. An API token works either way. Public.',
    responses: [{ status: 200, description: 'The ways to sign in.', json: r.signInOptions }],
    public: true,
  })
  @Get()
  options(): Out<typeof r.signInOptions> {
    const signIn = this.config.oidc?.signIn;
    return { sso: signIn ? { ...signIn } : null };
  }
}
