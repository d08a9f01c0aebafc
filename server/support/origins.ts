/**
 * A site's allowed origins: exact `scheme://host[:port]` matches, or an explicit subdomain
 * wildcard `https://*.example.com` (any subdomain, not example.com itself, same scheme and port).
 */
const WILDCARD = /^(https?):\/\/\*\.([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::(\d{1,5}))?$/;

/** Checks one configured entry; returns a sentence when it is not a valid origin pattern. */
export function originPatternProblem(pattern: string): string | null {
  if (WILDCARD.test(pattern)) return null;
  try {
    const url = new URL(pattern);
    if (url.origin === pattern && (url.protocol === 'https:' || url.protocol === 'http:')) return null;
    return `"${pattern}" must be exactly scheme://host[:port], like ${url.origin}`;
  } catch {
    return `"${pattern}" is not an origin like https://www.example.com or https://*.example.com`;
  }
}

export function originAllowed(origin: string | undefined, patterns: readonly string[]): boolean {
  if (!origin || origin === 'null') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  for (const pattern of patterns) {
    if (pattern === origin) return true;
    const wild = pattern.match(WILDCARD);
    if (!wild) continue;
    const [, scheme, domain, port] = wild;
    if (url.protocol !== `${scheme}:` || url.port !== (port ?? '')) continue;
    if (url.hostname.endsWith(`.${domain}`)) return true;
  }
  return false;
}
