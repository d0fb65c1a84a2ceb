import { connect } from 'node:net';
import { takeAttempt } from '../support/no-network';

describe('the unit tier', () => {
  it('refuses a connection, and remembers it for after the test even when the client swallowed the error', () => {
    expect(() => connect(5432, '127.0.0.1')).toThrow(/a unit test opened a connection/);
    expect(takeAttempt()).toContain('5432');
    expect(takeAttempt()).toBeUndefined();
  });
});
