import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { inScope, type Visibility } from '@shinchoku/access';
import type { Database } from '@shinchoku/database';
import type { Clock } from '@shinchoku/runtime';
import { tokyoDateOf, departmentName } from '@shinchoku/municipality';
import type { Contact } from '../domain/planner';
import type { Role } from '../domain/policy';
import { webhookUrlRefusal, type WebhookRules } from '../domain/webhook-address';
import { replan, sheetsReachedBy, toContact, type PlanningRules } from './planning';

export interface ContactInput {
  department: string;
  unit?: string | null | undefined;
  name: string;
  role: Role;
  email?: string | null | undefined;
  webhookUrl?: string | null | undefined;
}

/** A webhook URL the rules refuse (see webhook-address.ts); nothing was saved. */
export class WebhookUrlRefused extends Error {
  constructor(readonly reason: string) {
    super(`the webhook URL is refused: ${reason}`);
  }
}

/**
 * Contacts per org unit. Each change plans the reminders of the sheets it reaches again, in the
 * same transaction: a new 課長 is reminded from the next reminder on, a removed one no longer is.
 */
export class Contacts {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly rules: PlanningRules,
    private readonly clock: Clock,
    private readonly webhooks: WebhookRules,
  ) {}

  /** `visible`: where the caller may manage contacts; others are as if they did not exist. */
  list(filter: { department?: string | undefined; unit?: string | undefined }, visible: Visibility = 'all'): Promise<Contact[]> {
    let query = this.db
      .selectFrom('contacts')
      .selectAll()
      .where(inScope(visible, 'department', 'unit'))
      .orderBy('department')
      .orderBy('unit')
      .orderBy('name');
    if (filter.department) query = query.where('department', '=', departmentName(filter.department));
    if (filter.unit) query = query.where('unit', '=', filter.unit);
    return query.execute().then((rows) => rows.map(toContact));
  }

  async get(contactId: string, visible: Visibility = 'all'): Promise<Contact | undefined> {
    const row = await this.db
      .selectFrom('contacts')
      .selectAll()
      .where('contact_id', '=', contactId)
      .where(inScope(visible, 'department', 'unit'))
      .executeTakeFirst();
    return row && toContact(row);
  }

  async create(input: ContactInput): Promise<Contact> {
    this.checkWebhook(input.webhookUrl);
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('contacts')
        .values({ contact_id: randomUUID(), ...columns(input), created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      const contact = toContact(row);
      await this.replanFor(trx, [contact]);
      return contact;
    });
  }

  /** Undefined when there is no such contact. */
  async update(contactId: string, changes: Partial<ContactInput>, visible: Visibility = 'all'): Promise<Contact | undefined> {
    this.checkWebhook(changes.webhookUrl);
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('contacts')
        .selectAll()
        .where('contact_id', '=', contactId)
        .where(inScope(visible, 'department', 'unit'))
        .forUpdate()
        .executeTakeFirst();
      if (!before) return undefined;
      const row = await trx
        .updateTable('contacts')
        .set({ ...columns({ ...toContact(before), ...defined(changes) }), updated_at: this.clock.now() })
        .where('contact_id', '=', contactId)
        .returningAll()
        .executeTakeFirstOrThrow();
      const contact = toContact(row);
      await this.replanFor(trx, [toContact(before), contact]);
      return contact;
    });
  }

  /** False when there is no such contact. */
  remove(contactId: string, visible: Visibility = 'all'): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .deleteFrom('contacts')
        .where('contact_id', '=', contactId)
        .where(inScope(visible, 'department', 'unit'))
        .returningAll()
        .executeTakeFirst();
      if (row) await this.replanFor(trx, [toContact(row)]);
      return row !== undefined;
    });
  }

  /** Also checked at each delivery, on the addresses the host has then. */
  private checkWebhook(url: string | null | undefined): void {
    const reason = url ? webhookUrlRefusal(url, this.webhooks) : undefined;
    if (reason) throw new WebhookUrlRefused(reason);
  }

  private async replanFor(trx: Transaction<Database>, contacts: Contact[]) {
    const sheetIds = new Set<string>();
    for (const contact of contacts) for (const id of await sheetsReachedBy(trx, contact.department, contact.unit)) sheetIds.add(id);
    const now = this.clock.now();
    await replan(trx, [...sheetIds], this.rules, tokyoDateOf(now), now);
  }
}

/** Only the fields a change names: an absent field keeps its value, null clears it. */
const defined = <T extends object>(changes: T): Partial<T> =>
  Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) as Partial<T>;

function columns(input: ContactInput) {
  return {
    department: departmentName(input.department),
    unit: input.unit ?? null,
    name: input.name,
    role: input.role,
    email: input.email ?? null,
    webhook_url: input.webhookUrl ?? null,
  };
}
