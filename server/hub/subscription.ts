/**
 * One connection's subscription to one stream, and the resume logic that makes delivery gap-free:
 * the subscription is registered for live frames *before* the log is read, live frames that
 * arrive while it reads are held, and every frame goes out only if its seq is exactly
 * `cursor + 1`. A seq further ahead means something was missed (a broker publish lost), and the
 * missing part is read from the log before going on. Nothing is skipped silently.
 */
import type { LogFrame, ServerFrame } from '../../shared/protocol.js';
import type { LogStore } from '../storage/storage.js';
import { entryFrame } from './frames.js';

export interface SubscriptionOwner {
  readonly userId: string | null;
  send(frame: ServerFrame): void;
  /** A frame of a catch-up read from the log: it paces itself, so no slow-consumer check. */
  replay(frame: ServerFrame): void;
  /** Resolves once what was sent so far has drained to the network. */
  drained(): Promise<void>;
  readonly isOpen: boolean;
  fail(err: unknown): void;
}

/**
 * Entries read and sent per step of a catch-up; the next step waits until the connection has
 * drained, so a long replay to a slow link never piles up more than one step in memory.
 */
const FILL_BATCH = 100;

export class Subscription {
  /** The highest seq delivered (or deliberately skipped by a resync) on this connection. */
  cursor = 0;
  active = true;
  private catchingUp = true;
  private held: LogFrame[] = [];

  constructor(
    readonly stream: string,
    readonly owner: SubscriptionOwner,
    private readonly log: LogStore,
    private readonly replayLimit: number,
  ) {}

  /**
   * Starts (or restarts) delivery after `after`. Resolves with the cursor it caught up to.
   * `after` undefined means "live from now": nothing is replayed.
   */
  async start(after: number | undefined): Promise<number> {
    this.catchingUp = true;
    const head = await this.log.head(this.stream);
    if (after === undefined) {
      this.cursor = head;
    } else if (after > head) {
      this.owner.send({ type: 'resync_required', stream: this.stream, head, reason: 'cursor_ahead' });
      this.cursor = head;
    } else if (head - after > this.replayLimit) {
      this.owner.send({ type: 'resync_required', stream: this.stream, head, reason: 'backlog' });
      this.cursor = head;
    } else {
      this.cursor = after;
      await this.readForward();
    }
    return this.cursor;
  }

  /** Call after `start` resolved and its `subscribed` frame went out: releases held frames. */
  release(): void {
    this.catchingUp = false;
    const held = this.held;
    this.held = [];
    for (const frame of held) this.offer(frame);
  }

  /**
   * Reads whatever committed after the cursor: after the broker may have lost publishes (it was
   * down), nothing new would otherwise reveal the gap until the next message.
   */
  catchUp(): void {
    if (!this.active || this.catchingUp) return;
    this.catchingUp = true;
    this.readForward().then(
      () => this.release(),
      (err) => this.owner.fail(err),
    );
  }

  /** A live frame from the broker. */
  offer(frame: LogFrame): void {
    if (!this.active) return;
    if (this.catchingUp) {
      this.held.push(frame);
      return;
    }
    if (frame.seq <= this.cursor) return;
    if (frame.seq === this.cursor + 1) {
      this.cursor = frame.seq;
      this.owner.send(frame);
      return;
    }
    // A gap: fill it from the log, then go on with what was held.
    this.held.push(frame);
    this.catchUp();
  }

  private async readForward(): Promise<void> {
    for (;;) {
      const entries = await this.log.readAfter(this.stream, this.cursor, FILL_BATCH);
      if (!this.active || !this.owner.isOpen) return;
      for (const entry of entries) {
        if (entry.seq <= this.cursor) continue;
        this.cursor = entry.seq;
        this.owner.replay(entryFrame(entry));
      }
      if (entries.length < FILL_BATCH) return;
      await this.owner.drained();
    }
  }
}
