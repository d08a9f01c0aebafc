/**
 * dwebsocket's socket, without its flaw: `wait()` is a promise, so waiting for a message ties up
 * nothing (dwebsocket's blocking wait() holds a worker per socket).
 *
 * NOTE: the inbound queue is bounded. When `maxQueue` messages are waiting unread, the socket stops
 * reading from the network (TCP flow control then slows the sender) until the handler reads
 * again. Nothing is dropped: frames already in the network read that crossed the bound still
 * join the queue, so it can hold up to one read's worth (64 KiB of frames) more than `maxQueue`.
 */
import type { WebSocket } from 'ws';

export type SocketMessage = string | Uint8Array;

export interface MessageSocketOptions {
  /** Unread messages held before the socket stops reading (default 64). */
  maxQueue?: number;
}

export class MessageSocket implements AsyncIterable<SocketMessage> {
  private readonly queue: SocketMessage[] = [];
  private readonly waiters: ((message: SocketMessage | null) => void)[] = [];
  private closed = false;
  private paused = false;
  readonly maxQueue: number;

  constructor(
    private readonly ws: WebSocket,
    options: MessageSocketOptions = {},
  ) {
    this.maxQueue = options.maxQueue ?? 64;
  }

  /** The transport hands every received message here. */
  push(message: SocketMessage): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(message);
      return;
    }
    this.queue.push(message);
    if (this.queue.length >= this.maxQueue && !this.paused) {
      this.paused = true;
      this.ws.pause();
    }
  }

  /** The transport reports the close: pending `wait()`s resolve with null. */
  ended(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter(null);
  }

  /** The next message: at once if one is queued, else when one arrives; null once closed. */
  wait(): Promise<SocketMessage | null> {
    const message = this.read();
    if (message !== null || this.closed) return Promise.resolve(message);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next queued message, or null at once when none is queued. Never waits. */
  read(): SocketMessage | null {
    const message = this.queue.shift() ?? null;
    if (this.paused && this.queue.length < this.maxQueue) {
      this.paused = false;
      this.ws.resume();
    }
    return message;
  }

  countMessages(): number {
    return this.queue.length;
  }

  hasMessages(): boolean {
    return this.queue.length > 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  send(data: string | Uint8Array): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(data);
  }

  close(code = 1000, reason = ''): void {
    this.ws.close(code, reason);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SocketMessage> {
    for (;;) {
      const message = await this.wait();
      if (message === null) return;
      yield message;
    }
  }
}
