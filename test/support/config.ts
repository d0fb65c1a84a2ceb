import { ConfigError } from '@shinchoku/config';
import { loadConfig } from '@shinchoku/system';

/** The problems loadConfig lists for these settings; fails the test when it accepts them. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}
