/**
 * Which page origins may use the session cookie. A cookie rides along with any request the
 * browser makes, so every cookie-authenticated request that changes state (and every WebSocket
 * upgrade, which the same-origin policy does not cover) must come from an allowed origin.
 */
/** What the policy reads of a request: Hono's `c.req`, or the WebSocket upgrade's adapter. */
export interface RequestLike {
  /** The absolute URL the request was made to. */
  readonly url: string;
  header(name: string): string | undefined;
}

export interface OriginPolicy {
  /** The server's own origin as the browser sees it. */
  selfOrigin(req: RequestLike): string;
  allows(req: RequestLike, origin: string): boolean;
}

export function createOriginPolicy(options: { allowed: string[]; trustProxy: boolean }): OriginPolicy {
  const extra = new Set(options.allowed);
  const selfOrigin = (req: RequestLike): string => {
    const url = new URL(req.url);
    if (options.trustProxy) {
      const proto = req.header('x-forwarded-proto')?.split(',')[0]?.trim();
      const host = req.header('x-forwarded-host')?.split(',')[0]?.trim();
      if (proto) url.protocol = `${proto}:`;
      if (host) url.host = host;
    }
    return url.origin;
  };
  return {
    selfOrigin,
    // NOTE: exact string equality only. "null", another port, or a look-alike host such as
    // http://localhost:3000.evil.test never equal the server's own origin.
    allows: (req, origin) => origin === selfOrigin(req) || extra.has(origin),
  };
}
