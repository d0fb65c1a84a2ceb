import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, openResources, type ShinchokuConfig } from '@shinchoku/system';
import { Clock, Resources } from '@shinchoku/runtime';
import { createHttpApplication } from '../../apps/api/src/http-application';
import { AppModule } from '../../apps/shinchoku/src/app.module';
import { createTestDatabase, TestDatabase, uniquePrefix } from './test-database';

export const TEST_TOKEN = 'test-admin-token-0123456789';

/** A settable clock: "today" in Tokyo is whatever the test says. */
export class TestClock implements Clock {
  constructor(private instant = new Date('2024-04-01T09:00:00+09:00')) {}
  now() {
    return this.instant;
  }
  set(isoInstant: string) {
    this.instant = new Date(isoInstant);
  }
}

/** A sheet with one goal and one indicator: the smallest thing commands can act on. */
export interface SmallSheet {
  sheetId: string;
  goalId: string;
  indicatorId: string;
}

export interface TestApi {
  url: string;
  database: TestDatabase;
  resources: Resources<ShinchokuConfig>;
  clock: TestClock;
  app: NestFastifyApplication;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply>;
  smallSheet(unit: string, goal: string, indicator: { name: string; target: string }): Promise<SmallSheet>;
  close(): Promise<void>;
}

/**
 * JSON as the server sent it, read by a test's assertions: `any`, so that a test can say
 * `body.goals[0].indicators` without restating the API's types. A wrong shape fails the assertion;
 * test files may read it freely (see eslint.config.mjs), helpers here name what they take from it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

/**
 * The real HTTP application on a real port, over its own database: what a client sees; `env` adds
 * settings, `reach` says how the application reaches its database (through a proxy, say).
 */
export async function startApi(env: Record<string, string> = {}, reach: (databaseUrl: string) => string = (url) => url): Promise<TestApi> {
  const database = await createTestDatabase(10);
  const config = loadConfig({ ...env, DATABASE_URL: reach(database.url), QUEUE_PREFIX: uniquePrefix(), ADMIN_TOKEN: TEST_TOKEN });
  const resources = await openResources(config, { logger: { log() {}, error() {}, warn() {} } });
  const clock = new TestClock();
  const app = await createHttpApplication(
    AppModule.for(resources, { api: { adminToken: TEST_TOKEN }, worker: false }, clock),
    false,
    config.http,
  );
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const call: TestApi['call'] = async (method, path, body, headers = {}) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_TOKEN}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  return {
    url,
    database,
    resources,
    clock,
    app,
    call,
    async smallSheet(unit, goal, indicator) {
      const ok = async <Created>(reply: Promise<Reply>): Promise<Created> => {
        const answer = await reply;
        if (answer.status >= 300) throw new Error(`setup refused (${answer.status}): ${JSON.stringify(answer.body)}`);
        return answer.body as Created;
      };
      const { sheetId } = await ok<{ sheetId: string }>(
        call('POST', '/api/v1/sheets', { fiscalYear: 2024, department: '西区', unit, createdOn: '2024-04-01' }),
      );
      const { goalId } = await ok<{ goalId: string }>(call('POST', `/api/v1/sheets/${sheetId}/goals`, { text: goal }));
      const { indicatorId } = await ok<{ indicatorId: string }>(
        call('POST', `/api/v1/sheets/${sheetId}/goals/${goalId}/indicators`, indicator),
      );
      return { sheetId, goalId, indicatorId };
    },
    async close() {
      await app.close();
      await resources.close();
      await database.close();
    },
  };
}

/**
 * Another API process over the first one's database, queue prefix and clock, as when the API is
 * scaled out; `env` adds settings (give it the first one's).
 */
export async function startSecondApi(first: TestApi, env: Record<string, string> = {}): Promise<{ url: string; close(): Promise<void> }> {
  const config = loadConfig({
    ...env,
    DATABASE_URL: first.database.url,
    QUEUE_PREFIX: first.resources.config.queuePrefix,
    ADMIN_TOKEN: TEST_TOKEN,
  });
  const resources = await openResources(config, { logger: { log() {}, error() {}, warn() {} } });
  const app = await createHttpApplication(AppModule.for(resources, { api: { adminToken: TEST_TOKEN }, worker: false }, first.clock), false);
  await app.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`,
    async close() {
      await app.close();
      await resources.close();
    },
  };
}
