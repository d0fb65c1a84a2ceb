import type { Client } from 'pg';
import type { KnownTokens } from './known-tokens';

/** The channel a revocation is announced on, in the revoking transaction (see AccessTokens). */
export const PRINCIPAL_CHANNEL = 'shinchoku_principal_changes';

/** How long connecting, listening or one poll may take before the listener counts as lost. */
const ANSWER_TIMEOUT_MS = 2_000;

/**
 * Tells KnownTokens which tokens were revoked, on a connection of its own that LISTENs: Postgres
 * hands a notification to every listening session when the revoking transaction commits. Only
 * revocations notify (a notifying commit takes a server-wide lock, see docs/architecture.md), so
 * the commands' path never pays for it.
 *
 * Every `pollMs` it also asks, on that connection, which of the tokens kept are revoked now: a
 * connection that died without a word is found out within a poll and its timeout, and a
 * notification lost anyhow is made good within a poll or two. When the connection fails, ends
 * (pg_terminate_backend, a restart) or a poll does not answer, the cache serves nothing until the
 * next poll has connected and listens again, from empty: what was revoked meanwhile is unknown.
 */
export class PrincipalChanges {
  private client?: Client;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly connect: () => Client,
    private readonly known: KnownTokens,
    private readonly pollMs: number,
  ) {}

  start(): void {
    this.ticking = this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    const client = this.client;
    this.client = undefined;
    this.known.suspend();
    // Bounded: on a frozen connection the goodbye is never answered.
    if (client) await answered(client.end()).catch(() => undefined);
  }

  private async tick(): Promise<void> {
    try {
      if (this.client) await this.poll(this.client);
      else await this.listen();
    } catch {
      this.lost();
    }
    if (!this.stopped)
      this.timer = setTimeout(() => {
        this.ticking = this.tick();
      }, this.pollMs).unref();
  }

  private async listen(): Promise<void> {
    const client = this.connect();
    this.client = client;
    client.on('notification', ({ channel, payload }) => {
      if (channel === PRINCIPAL_CHANNEL && payload) this.known.changed(payload);
    });
    // A terminated backend or a dropped socket: stop trusting the cache now, not at the next poll.
    const gone = () => this.client === client && this.lost();
    client.on('error', gone);
    client.on('end', gone);
    await answered(client.connect());
    await answered(client.query(`LISTEN ${PRINCIPAL_CHANNEL}`));
    // From here every revocation is announced; those before it are in the table, which the
    // lookups made from now on read.
    if (this.client === client && !this.stopped) this.known.resume();
  }

  private async poll(client: Client): Promise<void> {
    const ids = this.known.tokenIds();
    const { rows } = await answered(
      client.query<{ token_id: string }>(
        'SELECT token_id::text FROM access_tokens WHERE token_id = ANY($1::uuid[]) AND revoked_at IS NOT NULL',
        [ids],
      ),
    );
    for (const { token_id } of rows) this.known.changed(token_id);
  }

  private lost(): void {
    this.known.suspend();
    const client = this.client;
    this.client = undefined;
    void client?.end().catch(() => undefined);
  }
}

function answered<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS).unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
