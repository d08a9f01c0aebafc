/**
 * The load generator: a child of bench/run.ts (pinned to its own core), driven over IPC. It opens
 * the client connections, sends, counts, and times; it reads the server's CPU from /proc itself so
 * that a window's edges are exact.
 */
import { readFileSync } from 'node:fs';
import type { RequestMessage, ResponseMessage } from '../lib/types.js';
import { prepareFixtures } from './fixtures.js';
import { retry } from './retry.js';
import { fanout, idleClose, idleOpen, lab, rooms, setup } from './scenarios.js';

if (!process.send) {
  process.stderr.write('bench/load/main.ts is started by bench/run.ts (npm run bench), not by hand\n');
  process.exit(2);
}

const reply = (message: ResponseMessage) => process.send?.(message);
const progress = (line: string) => reply({ progress: line });
const mark = (name: 'sending' | 'sent') => reply({ mark: name });
const serverPids = new Set<number>();

async function handle(request: RequestMessage): Promise<unknown> {
  if ('target' in request) serverPids.add(request.target.pid);
  if ('peers' in request) for (const peer of request.peers ?? []) serverPids.add(peer.pid);
  switch (request.op) {
    case 'prepare':
      return request.target.kind === 'switchboard'
        ? prepareFixtures(request.target.url, request.fixtures, progress, request.target.store)
        : null;
    case 'fanout':
      return fanout([request.target, ...(request.peers ?? [])], request.plan, progress, mark);
    case 'rooms':
      return rooms(request.target, request.plan, progress, mark);
    case 'setup':
      return setup(request.target, request.plan);
    case 'idleOpen':
      return idleOpen(request.target, request.plan, request.count);
    case 'idleClose':
      return idleClose();
    case 'lab':
      return lab(request.target, request.plan, progress);
    case 'retry':
      return retry(request.target, request.plan);
  }
}

process.on('message', (request: RequestMessage) => {
  handle(request).then(
    (result) => reply({ id: request.id, ok: true, result: result ?? null }),
    (err: unknown) =>
      reply({ id: request.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});

// The orchestrator is gone (killed, or crashed): take the servers it started along, then go.
process.on('disconnect', () => {
  for (const pid of serverPids) {
    try {
      // Only a process that still runs a server of ours: a pid may have been reused since.
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/dist\/server\/main\.js|server\/main\.ts|bench/.test(cmdline)) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(0);
});

// A normal stop (process.exit runs exit hooks, so a --cpu-prof profile gets written).
process.on('SIGTERM', () => process.exit(0));
