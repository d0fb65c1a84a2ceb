/**
 * Commands for one stream, taken in turn inside this process: each starts once every earlier one
 * has settled, so they decide on each other's results instead of racing for the same version.
 * Streams do not wait for each other; a stream with nothing queued keeps no entry.
 */
export class StreamTurns {
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier work for `id` has settled, whatever its outcome. */
  inTurn<T>(id: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.queues.get(id) ?? Promise.resolve()).then(work, work);
    const settled = turn.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => this.queues.get(id) === settled && this.queues.delete(id));
    return turn;
  }

  /** Streams with work queued or under way. */
  get busy(): number {
    return this.queues.size;
  }
}
