import { connect, createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of a server, for faults a test controls: `freeze` stops forwarding bytes
 * either way (a hung server or a cut network: connections stay open, nothing answers), `close`
 * drops every connection and refuses new ones (a server gone), `open` listens again on the same
 * port and forwards as before.
 */
export class TcpProxy {
  private server?: Server;
  private port = 0;
  private frozen = false;
  private readonly links = new Set<Link>();

  constructor(private readonly target: { host: string; port: number }) {}

  /** `url` with its host and port replaced by the proxy's. */
  in(url: string): string {
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(this.port);
    return proxied.toString();
  }

  async open(): Promise<void> {
    const server = createServer((client) => this.links.add(new Link(client, connect(this.target), () => this.frozen, this.links)));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  freeze(): void {
    this.frozen = true;
  }

  /** Connections holding bytes that arrived while frozen: what a thaw would still deliver. */
  holding(): number {
    let count = 0;
    for (const link of this.links) if (link.holding) count++;
    return count;
  }

  thaw(): void {
    this.frozen = false;
    for (const link of this.links) link.flush();
  }

  async close(): Promise<void> {
    for (const link of this.links) link.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

/** One proxied connection; bytes that arrive while frozen are held until thawed. */
class Link {
  private held: Array<[Socket, Buffer]> = [];

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    private readonly frozen: () => boolean,
    links: Set<Link>,
  ) {
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('data', (chunk: Buffer) => (this.frozen() ? this.held.push([to, chunk]) : to.write(chunk)));
      from.on('error', () => undefined);
      // Either end going away takes the other with it, and drops what was held for them.
      from.on('close', () => {
        this.destroy();
        links.delete(this);
      });
    }
  }

  get holding(): boolean {
    return this.held.length > 0;
  }

  flush(): void {
    for (const [to, chunk] of this.held) if (!to.destroyed) to.write(chunk);
    this.held = [];
  }

  destroy(): void {
    this.held = [];
    this.client.destroy();
    this.upstream.destroy();
  }
}
