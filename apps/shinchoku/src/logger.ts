import { ConsoleLogger, LogLevel as NestLogLevel } from '@nestjs/common';
import type { LogLevel } from '@shinchoku/config';

const ORDER: NestLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const NEST_LEVEL: Record<LogLevel, NestLogLevel> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  info: 'log',
  debug: 'debug',
  verbose: 'verbose',
};

export function createLogger(level: LogLevel): ConsoleLogger {
  return new ConsoleLogger('shinchoku', { logLevels: ORDER.slice(0, ORDER.indexOf(NEST_LEVEL[level]) + 1) });
}
