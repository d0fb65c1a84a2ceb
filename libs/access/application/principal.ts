import type { Actor } from '@shinchoku/event-store';
import type { Grant } from '../domain/grants';

/** Who is calling and what they hold: the actor is recorded on every event they cause. */
export interface Principal {
  actor: Actor;
  grants: readonly Grant[];
  /** How they signed in; also what a log line may say about them (never a name or a token). */
  via: 'bootstrap' | 'token' | 'oidc';
}

/** The bootstrap administrator: whoever holds ADMIN_TOKEN. */
export const BOOTSTRAP_ADMIN: Principal = {
  actor: { id: 'admin', name: 'Administrator (bootstrap token)' },
  grants: [{ role: 'admin' }],
  via: 'bootstrap',
};

/** Why a bearer credential was not accepted; the reason and code go back to the caller in the 401. */
export class NotAuthenticated extends Error {
  constructor(
    message: string,
    /** The problem code: clients tell an expired credential (ask for a new one) from a wrong one. */
    readonly code: 'Unauthenticated' | 'TokenExpired' = 'Unauthenticated',
  ) {
    super(message);
  }
}
