/** A problem the operator can fix (bad setting, busy port, data directory in use): shown as a message, not a stack trace. */
export class StartupError extends Error {
  override readonly name: string = 'StartupError';
}
