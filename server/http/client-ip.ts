/**
 * Which address a request counts against, for connection caps and throttles. Directly connected,
 * it is the socket's peer. Behind a reverse proxy (`TRUST_PROXY=true`) every request comes from the
 * proxy, so it is the last address in `X-Forwarded-For`: the one our proxy appended. Earlier
 * entries are whatever the client claimed and are never trusted.
 */
import type { IncomingMessage } from 'node:http';

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`) counts as the IPv4 address it carries. */
const plain = (address: string): string => (address.startsWith('::ffff:') ? address.slice(7) : address);

export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers['x-forwarded-for'];
    const value = Array.isArray(header) ? header.join(',') : header;
    const last = value?.split(',').pop()?.trim();
    if (last) return plain(last);
  }
  return plain(req.socket.remoteAddress ?? 'unknown');
}

/** True for 127.0.0.0/8 and ::1: the machine the server runs on. */
export const isLoopback = (ip: string): boolean => ip === '::1' || /^127\./.test(ip);
