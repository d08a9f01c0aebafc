/**
 * Retries against new sends (Switchboard only: the baselines have no idempotent send). One raw
 * client sends `plan.sends` new messages, then sends every one of them again with the same
 * clientMsgId and text, as a client resending its outbox after a reconnect does. Each pass is a
 * window of server CPU; the result is the CPU per acknowledged send of each pass, and whether
 * every retry was answered with its original seq.
 */
import WebSocket from 'ws';
import type { RetryPlan, RetryResult, Target } from '../lib/types.js';
import { wsOptions, wsUrlOf } from './clients/client.js';
import { currentFixtures, memberUser } from './fixtures.js';
import { isMsgFrame } from './message.js';
import { startWindow } from './window.js';

const PASS_TIMEOUT_MS = 60_000;

export async function retry(target: Target, plan: RetryPlan): Promise<RetryResult> {
  const f = currentFixtures(target.store);
  const room = f.rooms[0];
  if (!room) throw new Error('the retry scenario needs the prepared rooms');
  const user = memberUser(f, 0, 0);
  const stream = `room:${room}`;
  const prefix = `r${Math.random().toString(36).slice(2, 8)}-`;
  const text = (k: number) => `retry scenario message ${k} `.padEnd(80, '.');

  const ws = new WebSocket(wsUrlOf(target, '/ws'), wsOptions);
  let onAck: (k: number, seq: number) => void = () => {};
  let failure: string | null = null;
  const subscribed = new Promise<void>((resolve, reject) => {
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'hello', v: 1, token: user.token }));
      ws.send(JSON.stringify({ type: 'sub', stream }));
    });
    ws.on('message', (data: Buffer) => {
      if (isMsgFrame(data)) return;
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      if (frame.type === 'subscribed') resolve();
      else if (frame.type === 'ack')
        onAck(Number(String(frame.clientMsgId).slice(prefix.length)), Number(frame.seq));
      else if (frame.type === 'ping') ws.send('{"type":"pong"}');
      else if (frame.type === 'error') {
        failure = `error frame ${frame.code}: ${frame.message}`;
        reject(new Error(failure));
      }
    });
    ws.on('error', (err) => reject(err));
    ws.on('close', (code) => reject(new Error(`closed ${code}`)));
  });
  await subscribed;

  /** Sends 0..n-1 with at most `plan.inFlight` unacknowledged; resolves with each one's seq. */
  const pass = (): Promise<{ seqs: number[]; cpuMs: number; wallMs: number }> =>
    new Promise((resolve, reject) => {
      const seqs: number[] = new Array(plan.sends);
      let next = 0;
      let acked = 0;
      const window = startWindow(target.pid);
      const timer = setTimeout(
        () =>
          reject(
            new Error(`only ${acked} of ${plan.sends} sends were acknowledged in ${PASS_TIMEOUT_MS} ms`),
          ),
        PASS_TIMEOUT_MS,
      );
      const sendOne = () => {
        const k = next++;
        ws.send(JSON.stringify({ type: 'send', stream, clientMsgId: `${prefix}${k}`, text: text(k) }));
      };
      onAck = (k, seq) => {
        seqs[k] = seq;
        acked++;
        if (failure) return reject(new Error(failure));
        if (acked === plan.sends) {
          clearTimeout(timer);
          const stats = window.end();
          return resolve({ seqs, cpuMs: stats.serverCpuMs, wallMs: stats.wallMs });
        }
        if (next < plan.sends) sendOne();
      };
      while (next < Math.min(plan.inFlight, plan.sends)) sendOne();
    });

  try {
    const fresh = await pass();
    const again = await pass();
    const sameSeq = fresh.seqs.filter((seq, k) => again.seqs[k] === seq).length;
    const newUs = (fresh.cpuMs * 1000) / plan.sends;
    const retryUs = (again.cpuMs * 1000) / plan.sends;
    return {
      sends: plan.sends,
      newCpuUsPerSend: newUs,
      retryCpuUsPerSend: retryUs,
      ratio: retryUs / newUs,
      newWallMs: fresh.wallMs,
      retryWallMs: again.wallMs,
      sameSeq,
    };
  } finally {
    ws.close(1000);
  }
}
