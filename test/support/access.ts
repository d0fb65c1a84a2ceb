import { sql } from 'kysely';
import type { Grant, Role } from '@shinchoku/access';
import type { Json, Reply, TestApi } from './api';

/** A token issued by the bootstrap admin through the API, as a 課 would be given it. */
export async function issueToken(api: Pick<TestApi, 'call'>, grants: Grant[], extra: { name?: string; expiresAt?: string } = {}) {
  const reply = await api.call('POST', '/api/v1/tokens', {
    name: extra.name ?? 'テスト 花子',
    grants,
    ...(extra.expiresAt && { expiresAt: extra.expiresAt }),
  });
  if (reply.status !== 201) throw new Error(`token refused (${reply.status}): ${JSON.stringify(reply.body)}`);
  return reply.body as { tokenId: string; token: string };
}

/** Calls the API with this bearer token instead of the bootstrap admin's. */
export const callAs =
  (api: Pick<TestApi, 'call'>, token: string) =>
  (method: string, path: string, body?: unknown): Promise<Reply> =>
    api.call(method, path, body, { authorization: `Bearer ${token}` });

export async function eventCount(api: TestApi): Promise<number> {
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM events`.execute(api.resources.database.db);
  return Number(rows[0]!.n);
}

/** Setup by the bootstrap admin: must succeed. */
export async function ok(reply: Promise<Reply>): Promise<Json> {
  const answer = await reply;
  if (answer.status >= 300) throw new Error(`setup refused (${answer.status}): ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** One grant of each role: 西区 地域課's people, 西区's coordinator, and two organization-wide roles. */
export const WEST_CHIIKI_GRANTS: Record<Role, Grant> = {
  viewer: { role: 'viewer', department: '西区', unit: '地域課' },
  editor: { role: 'editor', department: '西区', unit: '地域課' },
  evaluator: { role: 'evaluator', department: '西区', unit: '地域課' },
  coordinator: { role: 'coordinator', department: '西区' },
  auditor: { role: 'auditor' },
  admin: { role: 'admin' },
};
