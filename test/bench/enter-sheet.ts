import { 西区地域課 } from '../fixtures/seed-sheets';

export interface SeededSheet {
  sheetId: string;
  indicatorIds: string[];
}

/**
 * Enters one sheet like 西区 地域課 (unit named with `n`) the way a 課 would, over HTTP: header,
 * goals, indicators, then the year's progress and results.
 */
export async function enterSheet(origin: string, headers: Record<string, string>, n: number): Promise<SeededSheet> {
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${origin}${path}`, { method, headers, body: JSON.stringify(body) });
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
