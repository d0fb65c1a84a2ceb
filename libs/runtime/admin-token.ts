import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { Config, StartupError } from '@shinchoku/config';

/**
 * The bootstrap administrator's token: ADMIN_TOKEN when set. The embedded default generates one
 * on first start and keeps it (mode 0600) beside its data, so a newcomer can call the API at once
 * (the log says where); against your own database there is no safe default, so ADMIN_TOKEN is required.
 */
export function resolveAdminToken(config: Config, logger: LoggerService): string {
  if (config.adminToken) return config.adminToken;
  if (config.databaseUrl) {
    throw new StartupError(
      "set ADMIN_TOKEN (at least 16 characters) when DATABASE_URL is set; it is the bootstrap administrator's bearer token",
    );
  }
  const file = join(config.dataDir, 'admin-token');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  }
  const token = readFileSync(file, 'utf8').trim();
  // The path, never the token: logs travel further than the data folder.
  logger.log(`bootstrap admin token: in ${file}`, 'Access');
  return token;
}
