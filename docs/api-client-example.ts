// The typed client in use (docs/api.md, "OpenAPI and the typed client"); `npm run typecheck` compiles it.
import { createApiClient } from '@shinchoku/api-client';

export async function recordFirstQuarter(baseUrl: string, token: string): Promise<string> {
  const api = createApiClient({ baseUrl, token });

  // Create a sheet: a retry with the same Idempotency-Key creates nothing twice.
  const created = await api.POST('/api/v1/sheets', {
    params: { header: { 'Idempotency-Key': 'create-西区-地域課-2024' } },
    body: { fiscalYear: 2024, department: '西区', unit: '地域課', createdOn: '2024-04-01' },
  });
  if (!created.data) throw new Error(`not created: ${created.error.code}`);
  const sheetId = created.data.sheetId;

  const goal = await api.POST('/api/v1/sheets/{sheetId}/goals', {
    params: { path: { sheetId } },
    body: { text: '地域活動の担い手を増やす' },
  });
  if (!goal.data) throw new Error(goal.error.detail);
  const indicator = await api.POST('/api/v1/sheets/{sheetId}/goals/{goalId}/indicators', {
    params: { path: { sheetId, goalId: goal.data.goalId } },
    body: { name: '地域清掃活動の参加団体数', target: '120団体' },
  });
  if (!indicator.data) throw new Error(indicator.error.detail);

  // Read the sheet and its ETag (the version), then record progress on exactly that version.
  const read = await api.GET('/api/v1/sheets/{sheetId}', { params: { path: { sheetId } } });
  const etag = read.response.headers.get('etag') ?? `"${read.data?.version}"`;
  const recorded = await api.PUT('/api/v1/sheets/{sheetId}/indicators/{indicatorId}/progress/{quarter}', {
    params: { path: { sheetId, indicatorId: indicator.data.indicatorId, quarter: 1 }, header: { 'If-Match': etag } },
    body: { value: '35団体' },
  });
  if (recorded.data) return recorded.response.headers.get('etag')!;

  // Someone changed the sheet since it was read: 412, with the current version as the ETag.
  if (recorded.response.status === 412 && recorded.error.code === 'VersionMismatch') {
    return `changed meanwhile: now ${recorded.response.headers.get('etag')}, reload and decide again`;
  }
  throw new Error(`${recorded.error.code}: ${recorded.error.detail}`);
}
