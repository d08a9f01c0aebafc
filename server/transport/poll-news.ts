/**
 * What is news to a long-polling client. Every poll is a fresh handshake, so every poll makes the
 * hub send each stream's ephemeral state again: the presence snapshot and the latest-value frames
 * (job progress on the user's stream, the "seen" receipt of a conversation). Only what the client
 * does not hold yet may end a held poll early. The client says what it holds per stream with
 * `sub.known`, the value the previous answer gave it; a handshake whose state has the same value
 * is dropped from the answer and wakes nothing, and one that differs (someone joined or left
 * between two polls) is sent and answers the poll at once.
 *
 * Stateless, like the rest of the transport: the value is computed from the frames alone, so
 * any process computes the same one for the same state.
 *
 * @example
 * const news = new PollNews(() => session.userId);
 * news.expect('room:lobby', sub.known);
 * const { emit, news: wake } = news.take(frame); // emit goes into the answer; wake ends the hold
 */
import { createHash } from 'node:crypto';
import type { ServerFrame } from '../../shared/protocol.js';

/** The ephemeral state of one stream as the frames sent so far leave it on the client. */
interface StreamState {
  /** Present users: id -> name. */
  presence: Map<string, string>;
  /** Jobs on the user's own stream: id -> what a change to it would change. */
  jobs: Map<string, string>;
  /** The latest "seen" receipt of each reader (a group DM has several): reader id -> seq. */
  receipts: Map<string, number>;
}

interface Handshake {
  known: string | undefined;
  /** Held back until the snapshot ends the handshake: sent only if the state is not `known`. */
  frames: ServerFrame[];
  state: StreamState;
}

const emptyState = (): StreamState => ({ presence: new Map(), jobs: new Map(), receipts: new Map() });

/** The opaque value for a state: the same state gives the same value, on any process. */
export function stateDigest(state: StreamState): string {
  const lines: string[] = [];
  for (const [id, name] of [...state.presence].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    lines.push(`p\t${id}\t${name}`);
  for (const [id, version] of [...state.jobs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    lines.push(`j\t${id}\t${version}`);
  for (const [id, seq] of [...state.receipts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    lines.push(`r\t${id}\t${seq}`);
  return createHash('sha256').update(lines.join('\n')).digest('base64url').slice(0, 22);
}

/** Applies one ephemeral frame to a stream's state, as the SDK's models apply it. */
function fold(state: StreamState, frame: ServerFrame): void {
  switch (frame.type) {
    case 'presence':
      if (frame.kind === 'snapshot') state.presence = new Map();
      for (const user of frame.users) {
        if (frame.kind === 'leave') state.presence.delete(user.id);
        else state.presence.set(user.id, user.name);
      }
      return;
    case 'job':
      state.jobs.set(frame.id, `${frame.status}\t${frame.percent}\t${frame.updatedAt}`);
      return;
    case 'receipt':
      state.receipts.set(frame.by.id, frame.seq);
      return;
  }
}

/** Frames that only echo the handshake: the client asked for them and they are never news. */
const ECHOES = new Set<ServerFrame['type']>(['welcome', 'subscribed', 'ping', 'pong']);

export class PollNews {
  private readonly handshakes = new Map<string, Handshake>();
  private readonly states = new Map<string, StreamState>();
  /** Streams whose handshake ended in this request (their presence snapshot was judged). */
  readonly caughtUp = new Set<string>();

  /** @param selfId the signed-in user, once known: their stream carries their jobs. */
  constructor(private readonly selfId: () => string | null) {}

  /** The request subscribes `stream`; the client holds the state named `known` (if any). */
  expect(stream: string, known: string | undefined): void {
    this.handshakes.set(stream, { known, frames: [], state: emptyState() });
  }

  /** Judges one frame the hub sent: what goes into the answer now, and whether it is news. */
  take(frame: ServerFrame): { emit: ServerFrame[]; news: boolean } {
    if (ECHOES.has(frame.type)) return { emit: [frame], news: false };
    const stream = this.streamOf(frame);
    if (stream === null) return { emit: [frame], news: true };
    const handshake = this.handshakes.get(stream);
    if (handshake) {
      handshake.frames.push(frame);
      fold(handshake.state, frame);
      // NOTE: the snapshot is the last frame of a stream's handshake (after `subscribed` and the
      // latest values); live changes that came meanwhile are folded in before it, so the state
      // judged here is exactly what the client would hold after these frames.
      if (frame.type !== 'presence' || frame.kind !== 'snapshot') return { emit: [], news: false };
      this.handshakes.delete(stream);
      this.states.set(stream, handshake.state);
      this.caughtUp.add(stream);
      if (handshake.known === undefined) {
        // A client that names no state holds none: only a state with something to show is news
        // (not the user alone in the stream, with no jobs and no receipt).
        return { emit: handshake.frames, news: !this.trivial(handshake.state) };
      }
      if (stateDigest(handshake.state) === handshake.known) return { emit: [], news: false };
      return { emit: handshake.frames, news: true };
    }
    const state = this.states.get(stream);
    if (state) fold(state, frame);
    // The user's own presence (another tab of theirs, or this one renewed) tells them nothing.
    const self = this.selfId();
    const own = frame.type === 'presence' && frame.users.every((u) => u.id === self);
    return { emit: [frame], news: !own };
  }

  /** Frames of handshakes that never ended (the request ended first): they go out as they are. */
  unfinished(): ServerFrame[] {
    const frames = [...this.handshakes.values()].flatMap((h) => h.frames);
    this.handshakes.clear();
    return frames;
  }

  /** For the answer: the value naming each caught-up stream's state as the client now holds it. */
  known(): Record<string, string> {
    const known: Record<string, string> = {};
    for (const [stream, state] of this.states) known[stream] = stateDigest(state);
    return known;
  }

  private trivial(state: StreamState): boolean {
    const self = this.selfId();
    return (
      state.jobs.size === 0 &&
      state.receipts.size === 0 &&
      [...state.presence.keys()].every((id) => id === self)
    );
  }

  /** The stream whose ephemeral state a frame changes, or null for a frame that is not state. */
  private streamOf(frame: ServerFrame): string | null {
    switch (frame.type) {
      case 'presence':
      case 'receipt':
        return frame.stream;
      case 'job': {
        // Jobs belong to the user's own stream; without that subscription they are plain news.
        const self = this.selfId();
        const stream = self === null ? null : `user:${self}`;
        return stream !== null && (this.handshakes.has(stream) || this.states.has(stream)) ? stream : null;
      }
      default:
        return null;
    }
  }
}
