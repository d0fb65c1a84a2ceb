import { Client, escapeIdentifier } from 'pg';

export interface ListenHandlers {
  /** LISTEN is in effect: every commit from now on will be announced. */
  listening(): void;
  /** The connection is gone (or closed): announcements may be missed until `listening` is called again. */
  lost(): void;
  notified(payload: string): void;
}

export interface Listener {
  close(): Promise<void>;
}

/**
 * How often the idle connection must answer, and how long it may take: a connection that died
 * without a word (a half-open TCP link) counts as lost within twice this, not when the kernel
 * gives up on it hours later.
 */
const HEARTBEAT_MS = 5_000;
/** The wait before connecting again after a loss. */
const RETRY_MS = 1_000;

/**
 * LISTEN on `channel` over a connection of its own (a session's LISTEN cannot live in a pool),
 * connecting again whenever it is lost, until closed. Notifications sent while it was not
 * listening are gone; `lost` and `listening` let the caller act on that.
 */
export function listen(url: string, channel: string, handlers: ListenHandlers): Listener {
  let current: Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const drop = async (client: Client) => {
    if (current !== client) return;
    current = undefined;
    clearTimeout(heartbeat);
    handlers.lost();
    if (!closed) retry = setTimeout(connect, RETRY_MS).unref();
    await client.end().catch(() => undefined);
  };

  const beat = (client: Client) => {
    heartbeat = setTimeout(() => {
      const late = setTimeout(() => drop(client), HEARTBEAT_MS).unref();
      client.query('SELECT 1').then(
        () => {
          clearTimeout(late);
          if (current === client) beat(client);
        },
        () => drop(client),
      );
    }, HEARTBEAT_MS).unref();
  };

  const connect = async () => {
    const client = new Client({ connectionString: url, application_name: 'shinchoku-listener', connectionTimeoutMillis: HEARTBEAT_MS });
    current = client;
    client.on('error', () => drop(client));
    client.on('end', () => drop(client));
    client.on('notification', (message) => message.channel === channel && handlers.notified(message.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${escapeIdentifier(channel)}`);
    } catch {
      void drop(client);
      return;
    }
    if (current !== client) return;
    handlers.listening();
    beat(client);
  };

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      if (current) await drop(current);
    },
  };
}
