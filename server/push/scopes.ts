/**
 * What an API key may reach. A scope is `user:*`, `user:<id>`, `room:*`, `room:<id>`, `topic:*`,
 * `topic:<name>`, `visitor:*`, `visitor:<id>` (a support widget's visitor), or `jobs` (create and
 * update jobs for any user).
 */
import type { PushTarget } from '../../shared/api.js';

export function targetStream(target: PushTarget): string {
  if ('user' in target) return `user:${target.user}`;
  if ('room' in target) return `room:${target.room}`;
  if ('visitor' in target) return `visitor:${target.visitor}`;
  return `topic:${target.topic}`;
}

/** True when one of the scopes covers the stream, exactly or by its kind's wildcard. */
export function scopeAllows(scopes: readonly string[], stream: string): boolean {
  const kind = stream.slice(0, stream.indexOf(':'));
  return scopes.includes(stream) || scopes.includes(`${kind}:*`);
}

export const scopeAllowsJobs = (scopes: readonly string[]): boolean => scopes.includes('jobs');
