/**
 * Which Host names the server answers to. A DNS-rebinding page (attacker.example resolving to
 * 127.0.0.1 a moment after it loaded) talks to the server as a same-origin page would, cookies
 * and all; the one thing it cannot forge is the Host header, which names the attacker's domain.
 * So requests for any host but ours are refused (421) before they reach a route or a socket.
 */
import type { RequestLike } from './origin.js';

export interface HostPolicy {
  /** Null when `req` may be answered; otherwise what to tell the client. */
  refusal(req: Pick<RequestLike, 'header'>): string | null;
}

/**
 * NOTE: localhost names are answered on any port: no one can point them elsewhere (RFC 6761 has
 * browsers resolve *.localhost to loopback), and a development proxy on another port forwards
 * its own Host.
 */
const LOCAL = /^(localhost|[a-z0-9-]+(\.[a-z0-9-]+)*\.localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/** Splits `name:port` (or `[v6]:port`) and lowercases the name. */
function split(host: string): { name: string; port: string | null } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  return { name: match?.[1] ?? '', port: match?.[2] ?? null };
}

export function createHostPolicy(options: {
  publicUrl: string | null;
  /** `name` (any port), `name:port`, or `*` (any host: only behind a proxy that checks it). */
  allowedHosts: string[];
  trustProxy: boolean;
}): HostPolicy {
  const any = options.allowedHosts.includes('*');
  const named = options.allowedHosts.filter((h) => h !== '*').map(split);
  // Any port of the public name: a proxy may or may not keep the port in Host, and the port is no
  // defence against rebinding (the name is).
  if (options.publicUrl) named.push({ name: new URL(options.publicUrl).hostname.toLowerCase(), port: null });
  const allowed = (host: string): boolean => {
    const { name, port } = split(host);
    if (LOCAL.test(name)) return true;
    return named.some((h) => h.name === name && (h.port === null || h.port === port));
  };
  return {
    refusal(req) {
      if (any) return null;
      const forwarded = options.trustProxy
        ? req.header('x-forwarded-host')?.split(',')[0]?.trim()
        : undefined;
      const host = forwarded || req.header('host');
      if (!host) return 'send a Host header naming this server';
      if (allowed(host)) return null;
      return `this server does not answer to the host "${host.slice(0, 100)}"; its operator can add it to PUBLIC_URL or ALLOWED_HOSTS`;
    },
  };
}
