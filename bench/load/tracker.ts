/**
 * Counts what one scenario sent and what came back: deliveries per message, acks (Switchboard) or
 * echoes at the sender (baselines), and latencies of the messages inside the current window.
 * Messages are numbered by `k` across the whole load generator (so clientMsgIds never repeat);
 * a tracker covers the numbers from its creation on, and ignores older ones arriving late.
 */
import { Samples } from '../lib/stats.js';
import type { Integrity } from '../lib/types.js';
import { nowMicros } from './message.js';

let nextK = 1;

export class Tracker {
  private readonly base = nextK;
  private capacity = 4096;
  private delivered = new Uint16Array(this.capacity);
  private expected = new Uint16Array(this.capacity);
  private acked = new Uint8Array(this.capacity);
  private senderOf = new Int32Array(this.capacity);
  private sentAt = new Float64Array(this.capacity);
  private winFrom = Number.POSITIVE_INFINITY;
  private winTo = Number.POSITIVE_INFINITY;
  /** Latency (ms) of each delivery of a window message, and of each ack of one. */
  readonly deliveryLatency = new Samples();
  readonly ackLatency = new Samples();
  /** Every delivery and every ack that arrived, whatever message it was for. */
  arrivals = 0;
  ackArrivals = 0;
  sent = 0;
  ackedTotal = 0;
  /** Deliveries this tracker's messages should make, and have made. */
  private expectedTotal = 0;
  private deliveredTotal = 0;
  closedByServer = 0;
  readonly errors: Record<string, number> = {};

  /**
   * @param echoIsAck baselines have no ack: a message counts as relayed when its sender gets it.
   */
  constructor(private readonly echoIsAck: boolean) {}

  /** Numbers a new message from client `sender` that `members` connections should receive. */
  next(sender: number, members: number, t = nowMicros()): number {
    const k = nextK++;
    const i = k - this.base;
    if (i >= this.capacity) this.grow(i + 1);
    this.expected[i] = members;
    this.senderOf[i] = sender;
    this.sentAt[i] = t;
    this.sent++;
    this.expectedTotal += members;
    return k;
  }

  delivery(client: number, k: number, t: number): void {
    const now = nowMicros();
    this.arrivals++;
    const i = k - this.base;
    if (i < 0 || i >= nextK - this.base) return;
    this.delivered[i] = (this.delivered[i] as number) + 1;
    this.deliveredTotal++;
    if (k >= this.winFrom && k < this.winTo) this.deliveryLatency.push((now - t) / 1000);
    if (this.echoIsAck && this.senderOf[i] === client) this.ack(k, now);
  }

  ack(k: number, now = nowMicros()): void {
    this.ackArrivals++;
    const i = k - this.base;
    if (i < 0 || i >= nextK - this.base || this.acked[i]) return;
    this.acked[i] = 1;
    this.ackedTotal++;
    if (k >= this.winFrom && k < this.winTo) this.ackLatency.push((now - (this.sentAt[i] as number)) / 1000);
  }

  /** Every message sent so far is acked (or echoed) and delivered to every member. */
  settled(): boolean {
    return this.ackedTotal >= this.sent && this.deliveredTotal >= this.expectedTotal;
  }

  error(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  /** Messages numbered from now on are in the window (until `closeWindow`). */
  openWindow(): void {
    this.winFrom = nextK;
    this.winTo = Number.POSITIVE_INFINITY;
    this.deliveryLatency.reset();
    this.ackLatency.reset();
  }

  /** No later message is in the window; returns how many messages it holds. */
  closeWindow(): number {
    this.winTo = nextK;
    return this.winTo - this.winFrom;
  }

  /** Deliveries the window's messages should make in all. */
  windowExpected(): number {
    let sum = 0;
    for (let k = this.winFrom; k < this.winTo; k++) sum += this.expected[k - this.base] as number;
    return sum;
  }

  /** Acked (or relayed) messages of the window so far. */
  windowAcked(): number {
    return this.ackLatency.n;
  }

  integrity(): Integrity {
    let missing = 0;
    const n = nextK - this.base;
    for (let i = 0; i < n; i++) {
      if (this.acked[i] && (this.delivered[i] as number) < (this.expected[i] as number)) missing++;
    }
    return {
      sent: this.sent,
      acked: this.ackedTotal,
      ackedNotDelivered: missing,
      closedByServer: this.closedByServer,
      errors: { ...this.errors },
    };
  }

  private grow(min: number): void {
    let capacity = this.capacity;
    while (capacity < min) capacity *= 2;
    const grow = <T extends Uint16Array | Uint8Array | Int32Array | Float64Array>(
      old: T,
      make: (n: number) => T,
    ) => {
      const bigger = make(capacity);
      bigger.set(old);
      return bigger;
    };
    this.delivered = grow(this.delivered, (n) => new Uint16Array(n));
    this.expected = grow(this.expected, (n) => new Uint16Array(n));
    this.acked = grow(this.acked, (n) => new Uint8Array(n));
    this.senderOf = grow(this.senderOf, (n) => new Int32Array(n));
    this.sentAt = grow(this.sentAt, (n) => new Float64Array(n));
    this.capacity = capacity;
  }
}
