import type { SeedSheet } from '../fixtures/seed-sheets';
import type { Reply, TestApi } from './api';

export interface EnteredSheet {
  sheetId: string;
  goals: Array<{ goalId: string; indicatorIds: string[] }>;
}

/**
 * Enters a seed sheet's plan the way a 課 would, one request per command, failing loudly on any
 * refusal. `afterEach` sees every reply (for tests that record the state after each command).
 */
export async function enterSheet(
  api: TestApi,
  seed: SeedSheet,
  afterEach: (reply: Reply) => Promise<void> = async () => {},
): Promise<EnteredSheet> {
  const expectOk = async <Created>(reply: Reply): Promise<Created> => {
    if (reply.status >= 300) throw new Error(`refused (${reply.status}): ${JSON.stringify(reply.body)}`);
    await afterEach(reply);
    return reply.body as Created;
  };
  const { goals, ...header } = seed;
  const { sheetId } = await expectOk<{ sheetId: string }>(await api.call('POST', '/api/v1/sheets', header));
  const entered: EnteredSheet = { sheetId, goals: [] };
  for (const { indicators, ...goal } of goals) {
    const { goalId } = await expectOk<{ goalId: string }>(await api.call('POST', `/api/v1/sheets/${sheetId}/goals`, goal));
    const indicatorIds: string[] = [];
    for (const { progress: _p, result: _r, ...indicator } of indicators) {
      indicatorIds.push(
        (await expectOk<{ indicatorId: string }>(await api.call('POST', `/api/v1/sheets/${sheetId}/goals/${goalId}/indicators`, indicator)))
          .indicatorId,
      );
    }
    entered.goals.push({ goalId, indicatorIds });
  }
  return entered;
}

/** Every (goal, indicator) of a seed with the id it was entered under. */
export function* indicatorsOf(seed: SeedSheet, entered: EnteredSheet) {
  for (const [g, goal] of seed.goals.entries()) {
    for (const [i, indicator] of goal.indicators.entries()) yield { indicator, indicatorId: entered.goals[g]!.indicatorIds[i]! };
  }
}
