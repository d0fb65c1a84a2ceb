import { loadConfig, openResources, type ShinchokuConfig as Config } from '@shinchoku/system';
import type { Resources } from '@shinchoku/runtime';
import { createHttpApplication } from '../../apps/api/src/http-application';
import { AppModule } from '../../apps/shinchoku/src/app.module';
import { 西区地域課 } from '../fixtures/seed-sheets';

export const TOKEN = 'bench-admin-token-012345';
export const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

/**
 * The HTTP application exactly as served, on the benchmark's database, listening on a free port.
 * What must be closed afterwards is put at the front of `closing`.
 */
export async function serveApi(
  url: string,
  queuePrefix: string,
  closing: Array<() => Promise<unknown> | void>,
): Promise<{ config: Config; resources: Resources<Config>; origin: string }> {
  // The per-token rate limit still counts, but never refuses: its shared count (PostgreSQL here) is
  // taken a fiftieth of the limit at a time, so at this limit nearly never; at the default 600 a
  // minute it is one upsert per 12 requests (about 0.2 ms each), which this bench leaves out.
  const config = loadConfig({
    DATABASE_URL: url,
    ADMIN_TOKEN: TOKEN,
    QUEUE_PREFIX: queuePrefix,
    RATE_LIMIT_MAX: '1000000',
    RATE_LIMIT_WINDOW_S: '1',
  });
  const resources = await openResources(config, { logger: { log() {}, error() {}, warn() {} } });
  closing.unshift(() => resources.close());
  const app = await createHttpApplication(AppModule.for(resources, { api: { adminToken: TOKEN }, worker: false }), false);
  closing.unshift(() => app.close());
  await app.listen(0, '127.0.0.1');
  return { config, resources, origin: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
}

export interface SeededSheet {
  sheetId: string;
  indicatorIds: string[];
}

/**
 * Enters one sheet like 西区 地域課 (unit named with `n`) the way a 課 would, over HTTP: header,
 * goals, indicators, then the year's progress and results.
 */
export async function enterSheet(origin: string, n: number): Promise<SeededSheet> {
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${origin}${path}`, { method, headers: HEADERS, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, string>;
  };
  const { goals, ...header } = 西区地域課;
  const { sheetId } = await call('POST', '/api/v1/sheets', { ...header, unit: `${header.unit}${n}` });
  const indicators: Array<{ indicatorId: string; progress: string[]; result: string }> = [];
  for (const { indicators: defined, ...goal } of goals) {
    const { goalId } = await call('POST', `/api/v1/sheets/${sheetId}/goals`, goal);
    for (const { progress, result, ...indicator } of defined) {
      const { indicatorId } = await call('POST', `/api/v1/sheets/${sheetId}/goals/${goalId}/indicators`, indicator);
      indicators.push({ indicatorId: indicatorId!, progress: progress ?? [], result: result! });
    }
  }
  for (let quarter = 1; quarter <= 4; quarter++) {
    for (const { indicatorId, progress } of indicators) {
      await call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/progress/${quarter}`, { value: progress[quarter - 1] });
    }
  }
  for (const { indicatorId, result } of indicators) {
    await call('PUT', `/api/v1/sheets/${sheetId}/indicators/${indicatorId}/result`, { value: result });
  }
  return { sheetId: sheetId!, indicatorIds: indicators.map((i) => i.indicatorId) };
}
