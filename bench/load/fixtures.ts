/**
 * Switchboard's users and rooms, made once per data store through the public HTTP API (the way an
 * app would), and kept for every later server process on that store: the run's SQLite directory,
 * and the two-process scenario's PostgreSQL schema (`cluster`), each with fixtures of its own.
 *
 * Users come from a pool: registering costs a scrypt hash (tens of ms of server CPU), so 2,000
 * distinct accounts would take most of the time budget. Room r's members are users 4r..4r+3
 * (modulo the pool), so every room has distinct members; a user in several rooms holds one
 * connection per room, like a person with several tabs.
 */
import { randomBytes } from 'node:crypto';
import type { FixturePlan, FixtureStore } from '../lib/types.js';

export interface BenchUser {
  id: string;
  username: string;
  token: string;
}

export interface Fixtures {
  users: BenchUser[];
  /** The fan-out room: every pool user is a member. */
  fanRoom: string;
  /** The rooms scenario's rooms. */
  rooms: string[];
}

export const MEMBERS_PER_ROOM = 4;
const PASSWORD = 'bench password 1';

const fixtures = new Map<FixtureStore, Fixtures>();

export function currentFixtures(store: FixtureStore = 'sqlite'): Fixtures {
  const f = fixtures.get(store);
  if (!f)
    throw new Error(
      `Switchboard fixtures of the ${store} store are missing: the orchestrator must send "prepare" for it first`,
    );
  return f;
}

/** The pool user that is member `m` of room `r`. */
export const memberUser = (f: Fixtures, r: number, m: number): BenchUser =>
  f.users[(MEMBERS_PER_ROOM * r + m) % f.users.length] as BenchUser;

async function call(url: string, token: string | null, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = {};
  // As a browser would: a cookie-authenticated change must name the server's origin.
  if (token) {
    headers.cookie = `sb_session=${token}`;
    headers.origin = url;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return { res, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function inParallel<T>(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<T>,
): Promise<T[]> {
  const out = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}

export async function prepareFixtures(
  url: string,
  plan: FixturePlan,
  progress: (line: string) => void,
  store: FixtureStore = 'sqlite',
): Promise<{ users: number; rooms: number; ms: number }> {
  const started = performance.now();
  if (plan.users < MEMBERS_PER_ROOM)
    throw new Error(`the user pool needs at least ${MEMBERS_PER_ROOM} users`);
  const tag = randomBytes(3).toString('hex');
  let f = fixtures.get(store);
  if (!f) {
    progress(`registering ${plan.users} users (scrypt: the slow part of setup)`);
    const users = await inParallel(plan.users, 4, async (i) => {
      const username = `bench${tag}u${i}`;
      const { res, json } = await call(url, null, 'POST', '/api/auth/register', {
        username,
        password: PASSWORD,
      });
      const token = /sb_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
      if (!token) throw new Error(`register ${username}: no sb_session cookie in the answer`);
      const user = json.user as { id: string; username: string };
      return { id: user.id, username: user.username, token };
    });
    const owner = users[0] as BenchUser;
    const { json } = await call(url, owner.token, 'POST', '/api/rooms', { title: 'bench fan-out' });
    const fanRoom = (json.room as { id: string }).id;
    await inParallel(users.length - 1, 8, (i) =>
      call(url, (users[i + 1] as BenchUser).token, 'POST', `/api/rooms/${fanRoom}/join`),
    );
    f = { users, fanRoom, rooms: [] };
    fixtures.set(store, f);
  }
  const have = f.rooms.length;
  if (plan.rooms > have) {
    progress(`creating ${plan.rooms - have} rooms of ${MEMBERS_PER_ROOM} members`);
    const made = await inParallel(plan.rooms - have, 8, async (j) => {
      const r = have + j;
      const creator = memberUser(f, r, 0);
      const { json } = await call(url, creator.token, 'POST', '/api/rooms', { title: `bench room ${r}` });
      const id = (json.room as { id: string }).id;
      for (let m = 1; m < MEMBERS_PER_ROOM; m++) {
        await call(url, memberUser(f, r, m).token, 'POST', `/api/rooms/${id}/join`);
      }
      return id;
    });
    f.rooms.push(...made);
  }
  return { users: f.users.length, rooms: f.rooms.length, ms: performance.now() - started };
}
