import { Controller, Get, Module, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PUBLIC_ROUTE } from '@shinchoku/http';
import { REQUIRES } from '@shinchoku/access';
import { loadConfig, openResources, type ShinchokuConfig } from '@shinchoku/system';
import type { Resources } from '@shinchoku/runtime';
import { createHttpApplication } from '../../apps/api/src/http-application';
import { AppModule } from '../../apps/shinchoku/src/app.module';
import { TEST_TOKEN, TestClock } from '../support/api';
import { createTestDatabase, TestDatabase, uniquePrefix } from '../support/test-database';
import { callAs, issueToken } from '../support/access';

/** A route someone added without saying who may call it. */
@Controller('api/v1/experimental')
class UndeclaredController {
  @Get()
  get() {
    return { ok: true };
  }
}

let database: TestDatabase;
let resources: Resources<ShinchokuConfig>;
let app: NestFastifyApplication;
let url: string;
const logged: string[] = [];
const capture = (message: unknown, context?: unknown) => void logged.push(`${String(context)} ${String(message)}`);

beforeAll(async () => {
  database = await createTestDatabase(4);
  resources = await openResources(loadConfig({ DATABASE_URL: database.url, QUEUE_PREFIX: uniquePrefix(), ADMIN_TOKEN: TEST_TOKEN }), {
    logger: { log() {}, error() {}, warn() {} },
  });
  @Module({
    imports: [AppModule.for(resources, { api: { adminToken: TEST_TOKEN }, worker: false }, new TestClock())],
    controllers: [UndeclaredController],
  })
  class WithUndeclaredRoute {}
  app = await createHttpApplication(
    { module: WithUndeclaredRoute },
    { log: capture, warn: capture, error: capture, debug: capture, verbose: capture },
  );
  await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
});
afterAll(async () => {
  await app?.close();
  await resources?.close();
  await database?.close();
});

describe('a route without @Requires', () => {
  it('is for administrators only, and the 403 says why', async () => {
    const api = { call };
    const issued = await issueToken(api, [{ role: 'viewer' }], { name: '鈴木 次郎' });
    const viewer = callAs(api, issued.token);
    const admin = callAs(api, (await issueToken(api, [{ role: 'admin' }])).token);
    logged.length = 0;
    const denied = await viewer('GET', '/api/v1/experimental?q=private');
    expect(denied).toMatchObject({ status: 403, body: { code: 'PermissionMissing', permission: 'admin' } });
    expect(denied.body.detail).toMatch(/declares no permission/);
    // One line: the route pattern, the permission and the token's id; never the token, the name or the query.
    expect(logged).toEqual([`Access denied GET /api/v1/experimental: missing admin (token ${issued.tokenId})`]);
    expect((await admin('GET', '/api/v1/experimental')).status).toBe(200);
  });

  it('is the only undeclared route: every route of the API is public or declares what it requires', () => {
    const modules = (
      app as unknown as { container: { getModules(): Map<string, { controllers: Map<unknown, { metatype: Type }> }> } }
    ).container.getModules();
    const undeclared: string[] = [];
    for (const module of modules.values()) {
      for (const { metatype } of module.controllers.values()) {
        for (const name of Object.getOwnPropertyNames(metatype.prototype)) {
          const handler = metatype.prototype[name];
          if (name === 'constructor' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
          const declared = [handler, metatype].some(
            (target) => Reflect.getMetadata(REQUIRES, target) || Reflect.getMetadata(PUBLIC_ROUTE, target),
          );
          if (!declared) undeclared.push(`${metatype.name}.${name} (${Reflect.getMetadata(PATH_METADATA, metatype)})`);
        }
      }
    }
    expect(undeclared).toEqual(['UndeclaredController.get (api/v1/experimental)']);
  });
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}
