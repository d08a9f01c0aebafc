/** Removes this run's server data directory (made fresh by playwright.config.ts). */
import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const dir = process.env.SWITCHBOARD_E2E_DATA_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
