/**
 * Typing `active: true` goes out at most once per throttle window per user and stream, across all
 * their connections in this process; `false` always goes out and opens the window again.
 */
export function createTypingThrottle(throttleMs: number) {
  const sentAt = new Map<string, number>();
  return (userId: string, stream: string, active: boolean): boolean => {
    const key = `${userId} ${stream}`;
    if (!active) {
      sentAt.delete(key);
      return true;
    }
    const now = Date.now();
    const last = sentAt.get(key);
    if (last !== undefined && now - last < throttleMs) return false;
    sentAt.set(key, now);
    // Entries of users who stopped without a `false` are dropped as the map is used.
    if (sentAt.size > 10_000) {
      for (const [k, at] of sentAt) if (now - at > throttleMs) sentAt.delete(k);
    }
    return true;
  };
}
