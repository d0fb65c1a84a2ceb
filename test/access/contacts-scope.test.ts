import { sql } from 'kysely';
import type { Grant } from '@shinchoku/access';
import { startApi, TestApi } from '../support/api';
import { callAs, issueToken, ok, WEST_CHIIKI_GRANTS } from '../support/access';

/**
 * Contacts (names and addresses) are scoped like sheets: a coordinator manages its own
 * department's, an administrator everyone's, and no other role any — not even an organization-wide
 * viewer, since contacts are personal data and not part of a sheet. Every role × own/other
 * department × unit given/null/omitted, over HTTP with issued tokens.
 */
const GRANTS: Record<string, Grant> = { ...WEST_CHIIKI_GRANTS, 'organization viewer': { role: 'viewer' } };
const WHO = Object.keys(GRANTS);
const MANAGES: Record<string, Array<'own' | 'other'>> = { coordinator: ['own'], admin: ['own', 'other'] };
const DEPARTMENT = { own: '西区', other: '東区' } as const;
const UNITS = { given: { unit: '地域課' }, null: { unit: null }, omitted: {} } as const;

let api: TestApi;
const as: Record<string, ReturnType<typeof callAs>> = {};

beforeAll(async () => {
  api = await startApi();
  for (const who of WHO) as[who] = callAs(api, (await issueToken(api, [GRANTS[who]!])).token);
});
afterAll(() => api.close());

const contactCount = async () =>
  Number((await sql<{ n: string }>`SELECT count(*) AS n FROM contacts`.execute(api.resources.database.db)).rows[0]!.n);
const allowed = (who: string, where: 'own' | 'other') => MANAGES[who]?.includes(where) ?? false;
/** A contact made by the bootstrap admin, for the caller to act on. */
const contactIn = async (where: 'own' | 'other', unit: keyof typeof UNITS) =>
  (await ok(api.call('POST', '/api/v1/contacts', { department: DEPARTMENT[where], ...UNITS[unit], name: '既存 一郎', role: '担当' })))
    .contactId as string;

describe.each(WHO)('a %s', (who) => {
  it.each(
    (['own', 'other'] as const).flatMap((where) => (Object.keys(UNITS) as Array<keyof typeof UNITS>).map((unit) => [where, unit] as const)),
  )('creating a contact in the %s department with the unit %s', async (where, unit) => {
    const before = await contactCount();
    const reply = await as[who]!('POST', '/api/v1/contacts', {
      department: DEPARTMENT[where],
      ...UNITS[unit],
      name: '新規 花子',
      role: '課長',
    });
    if (allowed(who, where)) {
      expect(reply).toMatchObject({ status: 201, body: { department: DEPARTMENT[where], unit: unit === 'given' ? '地域課' : null } });
      expect(await contactCount()).toBe(before + 1);
    } else {
      expect(reply).toMatchObject({ status: 403, body: { code: 'PermissionMissing', permission: 'contacts.manage' } });
      expect(await contactCount()).toBe(before);
    }
  });

  it.each((['own', 'other'] as const).flatMap((where) => (['given', 'null'] as const).map((unit) => [where, unit] as const)))(
    'reading, changing and deleting a contact of the %s department with the unit %s',
    async (where, unit) => {
      const contactId = await contactIn(where, unit);
      const path = `/api/v1/contacts/${contactId}`;
      const listed = await as[who]!('GET', '/api/v1/contacts');
      const replies = [await as[who]!('GET', path), await as[who]!('PATCH', path, { name: '変更 次郎' }), await as[who]!('DELETE', path)];
      if (allowed(who, where)) {
        expect(listed.body.items.map((c: { contactId: string }) => c.contactId)).toContain(contactId);
        expect(replies.map((r) => r.status)).toEqual([200, 200, 204]);
        return;
      }
      // A coordinator holds the permission, elsewhere: another department's contacts are as if they did not exist.
      const status = who in MANAGES ? 404 : 403;
      if (status === 403) expect(listed).toMatchObject({ status: 403, body: { permission: 'contacts.manage' } });
      else expect(listed.body.items.map((c: { contactId: string }) => c.contactId)).not.toContain(contactId);
      expect(replies.map((r) => r.status)).toEqual([status, status, status]);
      expect((await api.call('GET', path)).body).toMatchObject({ name: '既存 一郎', department: DEPARTMENT[where] });
    },
  );
});

it('a coordinator cannot move its own contact to another department, with or without a unit', async () => {
  for (const unit of ['地域課', null]) {
    const contactId = await contactIn('own', 'given');
    const reply = await as.coordinator!('PATCH', `/api/v1/contacts/${contactId}`, { department: '東区', unit });
    expect(reply).toMatchObject({ status: 403, body: { permission: 'contacts.manage' } });
    expect((await api.call('GET', `/api/v1/contacts/${contactId}`)).body).toMatchObject({ department: '西区', unit: '地域課' });
  }
});
