import { AccessTokens, NotAuthenticated } from '@shinchoku/access';
import { openDatabase } from '@shinchoku/database';
import { EventStore } from '@shinchoku/event-store';
import { systemClock } from '@shinchoku/runtime';
import { runShinchoku, budgetFor } from '../support/app-process';
import { createTestDatabase, TestDatabase, uniquePrefix } from '../support/test-database';

// Tests here run the built CLI (the first test runs four): see budgetFor.
jest.setTimeout(budgetFor(4));

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase(2);
});
afterAll(() => database.close());

async function cli(...args: string[]) {
  const app = runShinchoku(args, { DATABASE_URL: database.url, QUEUE_PREFIX: uniquePrefix() });
  const code = await app.exited;
  return { code, output: app.output() };
}

describe('shinchoku token', () => {
  it('creates a token shown once, lists it without the token, and revokes it', async () => {
    const created = await cli('token', 'create', '--name', '山田 花子', '--grant', 'editor:西区/地域課', '--grant', 'viewer:西区');
    expect(created.code).toBe(0);
    const token = /"token": "(shk_[^"]+)"/.exec(created.output)![1]!;
    const tokenId = /"tokenId": "([^"]+)"/.exec(created.output)![1]!;

    const handle = openDatabase({ url: database.url, poolSize: 2 });
    try {
      const tokens = new AccessTokens(handle.db, new EventStore(handle.db), systemClock);
      expect(await tokens.authenticate(token)).toEqual({
        actor: { id: `token:${tokenId}`, name: '山田 花子' },
        grants: [
          { role: 'editor', department: '西区', unit: '地域課' },
          { role: 'viewer', department: '西区' },
        ],
        via: 'token',
      });

      const listed = await cli('token', 'list');
      expect(listed.code).toBe(0);
      expect(listed.output).toContain(tokenId);
      expect(listed.output).not.toContain(token);

      expect((await cli('token', 'revoke', tokenId)).code).toBe(0);
      await expect(tokens.authenticate(token)).rejects.toThrow(new NotAuthenticated('the token has been revoked'));
      expect((await cli('token', 'revoke', '00000000-0000-4000-8000-000000000000')).code).toBe(1);
    } finally {
      await handle.close();
    }
  });

  it.each([
    [['token'], 'token what? create, list or revoke'],
    [['token', 'create', '--grant', 'admin'], 'token create needs --name'],
    [['token', 'create', '--name', 'x'], 'token create needs at least one --grant'],
    [['token', 'create', '--name', 'x', '--grant', 'editor:西区'], '--grant: editor needs a department and a unit'],
    [['token', 'create', '--name', 'x', '--grant', 'admin', '--expires', '2001-01-01'], '--expires must be a future ISO date'],
    [['token', 'revoke', 'abc'], 'token revoke needs the token id'],
  ])('%j is a usage error (64)', async (args, message) => {
    const { code, output } = await cli(...args);
    expect(code).toBe(64);
    expect(output).toContain(message);
  });
});
