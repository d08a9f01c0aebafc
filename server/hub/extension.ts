/** What the core hub does not own, plugged in at `createHub`: customer support's frames and its bookkeeping after commits. */
import type { ServerFrame, SupportFrame } from '../../shared/protocol.js';
import type { LogEntry } from '../storage/storage.js';
import type { Identity } from './identity.js';

/** How an extension answers the connection a frame came from. */
export interface FrameReply {
  send(frame: ServerFrame): void;
  error(
    code: 'forbidden' | 'not_found' | 'invalid_frame' | 'rate_limited' | 'idempotency_conflict',
    message: string,
    ref?: string,
  ): void;
}

export interface HubExtension {
  onFrame(who: Identity, frame: SupportFrame, reply: FrameReply): Promise<void>;
  /** Called after every new log entry is committed (and published). */
  onCommitted(entry: LogEntry): Promise<void>;
}
