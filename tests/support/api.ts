/** HTTP helpers for tests: register users and call the API with their session. */
import { randomBytes } from 'node:crypto';
import type { MsgFrame } from '../../shared/protocol.js';

export interface TestUser {
  id: string;
  username: string;
  /** The session token (the value of the sb_session cookie). */
  token: string;
  cookie: string;
}

export const uniqueName = (prefix = 'user'): string => `${prefix}${randomBytes(4).toString('hex')}`;

export async function register(
  baseUrl: string,
  username = uniqueName(),
  password = 'correct horse',
): Promise<TestUser> {
  const res = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const token = setCookie.match(/sb_session=([^;]+)/)?.[1];
  if (!token) throw new Error(`register ${username}: no session cookie in ${setCookie}`);
  const body = (await res.json()) as { user: { id: string; username: string } };
  return { id: body.user.id, username: body.user.username, token, cookie: `sb_session=${token}` };
}

export async function api(
  baseUrl: string,
  user: TestUser | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  // As a browser would: a cookie-authenticated change must name our origin (else 403 bad_origin).
  if (user) {
    headers.cookie = user.cookie;
    headers.origin = baseUrl;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

/** Every stored message of a room, oldest first, read page by page over the HTTP API. */
export async function fetchHistory(baseUrl: string, user: TestUser, roomId: string): Promise<MsgFrame[]> {
  const all: MsgFrame[] = [];
  let before: number | undefined;
  for (;;) {
    const query = before === undefined ? 'limit=200' : `limit=200&before=${before}`;
    const res = await api(baseUrl, user, 'GET', `/api/rooms/${roomId}/messages?${query}`);
    if (res.status !== 200)
      throw new Error(`history of ${roomId}: ${res.status} ${JSON.stringify(res.json)}`);
    all.unshift(...(res.json.messages as MsgFrame[]));
    if (!res.json.hasMore) return all;
    before = all[0]?.seq;
  }
}
