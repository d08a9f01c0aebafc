/**
 * The run's admin account. The server makes the first account ever an admin, and tests run in
 * parallel registering their own users, so "first" is only certain before any test starts: the
 * global setup registers this account then (on the fresh data directory of every run).
 */
export const ADMIN_USERNAME = 'e2e-admin';
export const ADMIN_PASSWORD = 'correct horse battery staple';
