/**
 * The client pinned the version it saw (If-Match) and the stream is elsewhere now: nothing was
 * decided. The edge answers it as a failed precondition, with the current version's tag.
 */
export class VersionMismatch extends Error {
  override readonly name = 'VersionMismatch';
  constructor(
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(`the sheet is at version ${actualVersion}, not ${expectedVersion}; reload it and try again`);
  }
}
