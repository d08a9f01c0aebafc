/**
 * The two closed sets of failure codes on the wire. Every code says whether the client should try
 * again ("retry") or stop and show the reason ("terminal"). The client SDK, the hub and the README
 * table all read these objects: add a code here and nowhere else.
 */

export type Recovery = 'retry' | 'terminal';

interface CodeInfo {
  readonly recovery: Recovery;
  readonly meaning: string;
}

/** Error codes carried by `error` frames (the socket stays open). */
export const ErrorCode = {
  bad_json: { recovery: 'terminal', meaning: 'the frame is not valid JSON; fix the client' },
  unknown_type: { recovery: 'terminal', meaning: 'the frame `type` is not one this server knows' },
  invalid_frame: {
    recovery: 'terminal',
    meaning: 'a field is missing, has the wrong type or breaks a limit; the message says which',
  },
  hello_required: { recovery: 'terminal', meaning: 'the first frame must be `hello`' },
  already_hello: { recovery: 'terminal', meaning: '`hello` was sent twice on one connection' },
  forbidden: { recovery: 'terminal', meaning: 'you may not read or write this stream' },
  not_found: { recovery: 'terminal', meaning: 'the stream does not exist' },
  not_subscribed: { recovery: 'terminal', meaning: 'subscribe to the stream before this action' },
  rate_limited: { recovery: 'retry', meaning: 'too many messages; retry after `retryAfterMs`' },
  idempotency_conflict: {
    recovery: 'terminal',
    meaning: 'this clientMsgId was already used for a different message',
  },
  internal: { recovery: 'retry', meaning: 'the server failed; the same frame may be sent again' },
  // HTTP API only (carried in `{ "error": { "code", "message" } }` bodies):
  invalid_request: {
    recovery: 'terminal',
    meaning: 'the request body or query is malformed; the message says which field',
  },
  unauthorized: { recovery: 'terminal', meaning: 'sign in first (no valid session)' },
  invalid_credentials: { recovery: 'terminal', meaning: 'the username or password is wrong' },
  username_taken: { recovery: 'terminal', meaning: 'another account has this username' },
  username_confusable: {
    recovery: 'terminal',
    meaning: 'the username looks like an existing one (Unicode confusables); pick another',
  },
  invisible_character: {
    recovery: 'terminal',
    meaning: 'a name or title holds an invisible, bidi or control character; the message says which',
  },
  bad_origin: {
    recovery: 'terminal',
    meaning: 'the request came from a page whose origin is not allowed',
  },
  unsupported_media_type: {
    recovery: 'terminal',
    meaning: 'send the body as Content-Type: application/json',
  },
  too_large: { recovery: 'terminal', meaning: 'the body is over the size limit' },
  unavailable: {
    recovery: 'retry',
    meaning: 'the server is shutting down or cannot reach its storage; retry after `retryAfterMs`',
  },
  request_timeout: {
    recovery: 'retry',
    meaning: 'the request’s headers or body arrived too slowly; the connection was closed',
  },
  bad_host: {
    recovery: 'terminal',
    meaning: 'this server does not answer to that Host; see PUBLIC_URL and ALLOWED_HOSTS',
  },
  setup_code_required: {
    recovery: 'terminal',
    meaning: 'the first account (admin) needs the setup code the server printed at start',
  },
  too_many_connections: {
    recovery: 'retry',
    meaning: 'this address or account has as many connections open as allowed; close one or retry later',
  },
  account_suspended: {
    recovery: 'terminal',
    meaning: 'an admin suspended this account; it cannot sign in until an admin lifts it',
  },
  muted: {
    recovery: 'terminal',
    meaning: 'a moderator muted you in this room; `retryAfterMs` says when it ends, if it does',
  },
  banned: { recovery: 'terminal', meaning: 'a moderator banned you (or the person named) from this room' },
  user_not_found: {
    recovery: 'terminal',
    meaning: 'no such user: the name or id is unknown, or the account was deleted',
  },
  invite_invalid: {
    recovery: 'terminal',
    meaning: 'the invite link is unknown, expired or revoked; ask for a new one',
  },
  too_many_mentions: {
    recovery: 'terminal',
    meaning: 'the message mentions more than 50 people; mention fewer, or @room (moderators)',
  },
  room_mention_forbidden: {
    recovery: 'terminal',
    meaning: 'only the room’s owners and moderators may mention @room',
  },
  too_many_people: {
    recovery: 'terminal',
    meaning: 'a direct message is for at most 9 people, you included; start a room for more',
  },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ErrorCode;

/**
 * WebSocket close codes the server uses. 1xxx are the RFC 6455 codes; 4xxx are Switchboard's.
 * `retry` means the SDK reconnects with backoff and resumes by cursor; `terminal` means it stops
 * and shows the reason to the user.
 */
export const CloseCode = {
  normal: {
    code: 1000,
    recovery: 'retry',
    meaning: 'closed normally (by a proxy, say); the client reconnects unless it closed itself',
  },
  going_away: { code: 1001, recovery: 'retry', meaning: 'the server is restarting' },
  unsupported_data: {
    code: 1003,
    recovery: 'terminal',
    meaning: 'binary frames are not part of the protocol; send JSON text frames',
  },
  invalid_utf8: { code: 1007, recovery: 'terminal', meaning: 'a text frame was not valid UTF-8' },
  too_big: {
    code: 1009,
    recovery: 'retry',
    meaning: 'a frame exceeded the 64 KiB limit; the oversized frame is dropped',
  },
  internal: { code: 1011, recovery: 'retry', meaning: 'the server hit an unexpected error' },
  catch_up: {
    code: 4000,
    recovery: 'retry',
    meaning: 'the connection fell too far behind; reconnect and catch up by cursor',
  },
  protocol_version: {
    code: 4001,
    recovery: 'terminal',
    meaning: 'the client speaks another protocol version; reload the page or upgrade the SDK',
  },
  unauthorized: {
    code: 4002,
    recovery: 'terminal',
    meaning: 'no valid session; sign in again',
  },
  abuse: {
    code: 4003,
    recovery: 'terminal',
    meaning: 'too many protocol errors in a short time',
  },
  heartbeat_timeout: {
    code: 4004,
    recovery: 'retry',
    meaning: 'no traffic within the heartbeat window; the connection was presumed dead',
  },
  signed_out: { code: 4005, recovery: 'terminal', meaning: 'the session was signed out' },
  hello_timeout: {
    code: 4006,
    recovery: 'retry',
    meaning: 'no `hello` frame arrived in time after the socket opened',
  },
  account_suspended: {
    code: 4007,
    recovery: 'terminal',
    meaning: 'an admin suspended this account; its connections are closed',
  },
  account_deleted: {
    code: 4008,
    recovery: 'terminal',
    meaning: 'an admin deleted this account; its connections are closed',
  },
  too_many_connections: {
    code: 4009,
    recovery: 'retry',
    meaning: 'this account has as many connections open as allowed; retry later with backoff',
  },
  idle_timeout: {
    code: 4010,
    recovery: 'retry',
    meaning: 'no message arrived within the idle timeout (the article API routes)',
  },
} as const satisfies Record<string, CodeInfo & { code: number }>;

export type CloseName = keyof typeof CloseCode;

const closeByNumber = new Map<number, CloseName>(
  (Object.keys(CloseCode) as CloseName[]).map((name) => [CloseCode[name].code, name]),
);

/** Looks up a close code number; unknown codes (for example 1006, abnormal closure) retry. */
export function closeInfo(code: number): { name: CloseName | 'unknown'; recovery: Recovery } {
  const name = closeByNumber.get(code);
  return name ? { name, recovery: CloseCode[name].recovery } : { name: 'unknown', recovery: 'retry' };
}

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ErrorCode, value);
}
