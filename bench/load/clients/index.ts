/** Opens the right client for a server kind. */
import type { ServerKind, Target } from '../../lib/types.js';
import type { BenchClient, ClientEvents, Membership } from './client.js';
import { openSocketIo } from './socketio.js';
import { openSwitchboardRaw, openSwitchboardSdk } from './switchboard.js';
import { openWs } from './ws.js';

export { type BenchClient, type ClientEvents, type Membership, noEvents, openMany } from './client.js';

export type ClientStyle = 'raw' | 'sdk';

export function openClient(
  target: Target,
  style: ClientStyle,
  index: number,
  who: Membership,
  events: ClientEvents,
): Promise<BenchClient> {
  const kind: ServerKind = target.kind;
  switch (kind) {
    case 'switchboard':
      return style === 'sdk'
        ? openSwitchboardSdk(target, index, who, events)
        : openSwitchboardRaw(target, index, who, events);
    case 'socketio':
      return openSocketIo(target, index, who, events);
    case 'ws-naive':
    case 'ws-coalesced':
      return openWs(target, index, who, events);
  }
}
