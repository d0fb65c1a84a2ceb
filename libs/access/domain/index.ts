/**
 * Who may do what where, as pure functions of grants: the server's guard decides with them, and the
 * web app imports them (`@shinchoku/access/domain`) to show only the controls the server would allow.
 */
export * from './grants';
export * from './permissions';
export * from './expiry';
