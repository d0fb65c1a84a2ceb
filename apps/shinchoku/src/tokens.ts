import { userInfo } from 'node:os';
import { AccessTokens, type Grant, parseGrant } from '@shinchoku/access';

export interface TokenOptions {
  name?: string;
  grant?: string[];
  expires?: string;
  department?: string;
}

type Run = (tokens: AccessTokens) => Promise<number>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `token create|list|revoke` (also spelled `tokens`), checked before anything is opened: what to run, or the usage
 * error. The person at the terminal is the actor recorded on the token's events.
 */
export function tokenCommand(args: string[], options: TokenOptions): Run | string {
  const actor = { id: 'cli', name: `${userInfo().username} (CLI)` };
  const [action, ...rest] = args;
  switch (action) {
    case 'create': {
      if (!options.name?.trim()) return 'token create needs --name "<the person the token is for>"';
      if (!options.grant?.length) return 'token create needs at least one --grant role[:department[/unit]]';
      const grants = options.grant.map(parseGrant);
      const bad = grants.find((g): g is string => typeof g === 'string');
      if (bad) return `--grant: ${bad}`;
      const expiresAt = options.expires === undefined ? undefined : new Date(options.expires);
      if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt <= new Date()))
        return '--expires must be a future ISO date or timestamp';
      return async (tokens) => {
        const request = { name: options.name!.trim(), grants: grants as Grant[], ...(expiresAt && { expiresAt }) };
        const { tokenId, token, expiresAt: expires } = await tokens.issue(request, actor, 'cli');
        console.log(JSON.stringify({ tokenId, token, ...request, expiresAt: expires }, null, 2));
        console.error('the token is shown this once; hand it over now');
        return 0;
      };
    }
    case 'list':
      return async (tokens) => {
        console.log(JSON.stringify(await tokens.list(), null, 2));
        return 0;
      };
    case 'revoke': {
      const department = options.department?.trim();
      if (department !== undefined) {
        if (!department || rest.length > 0) return 'token revoke --department needs a department name, and no token id';
        return async (tokens) => {
          const tokenIds = await tokens.revokeDepartment(department, actor, 'cli');
          console.log(JSON.stringify({ department, revoked: tokenIds.length, tokenIds }, null, 2));
          console.error(`revoked ${tokenIds.length} token${tokenIds.length === 1 ? '' : 's'} holding a grant in ${department}`);
          return 0;
        };
      }
      const tokenId = rest[0];
      if (!tokenId || !UUID.test(tokenId)) return 'token revoke needs the token id (a UUID, see token list), or --department <name>';
      return async (tokens) => {
        const revoked = await tokens.revoke(tokenId, actor, 'cli');
        if (!revoked) {
          console.error(`there is no token ${tokenId}`);
          return 1;
        }
        console.log(JSON.stringify({ tokenId, ...revoked }, null, 2));
        return 0;
      };
    }
    default:
      return `token what? create, list or revoke`;
  }
}
