/**
 * Runs after the web server is up and before any test: registers the run's admin (see admin.ts)
 * and checks that the server really made it one, so an admin test never fails mysteriously.
 */
import type { FullConfig } from '@playwright/test';
import { ADMIN_PASSWORD, ADMIN_USERNAME } from './admin.js';

export default async function globalSetup(config: FullConfig): Promise<void> {
  const baseURL = config.projects[0]?.use.baseURL;
  if (!baseURL) throw new Error('playwright.config.ts sets no use.baseURL; the admin cannot be registered');
  const res = await fetch(new URL('/api/auth/register', baseURL), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN_USERNAME, password: ADMIN_PASSWORD }),
  });
  const body = (await res.json().catch(() => null)) as { user?: { role?: string } } | null;
  if (res.status !== 201 || body?.user?.role !== 'admin') {
    throw new Error(
      `registering ${ADMIN_USERNAME} answered ${res.status} ${JSON.stringify(body)}; it must be the first ` +
        'account on a fresh data directory (is another server answering on this port?)',
    );
  }
}
