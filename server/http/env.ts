/** The Hono environment shared by every route: the signed-in session, when there is one. */
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import * as v from 'valibot';
import { type ApiErrorBody, issueCode } from '../../shared/api.js';
import type { ErrorCode } from '../../shared/codes.js';
import { nestingMessage, nestingOverLimit } from '../../shared/json-depth.js';
import { Limits } from '../../shared/limits.js';
import type { ApiKeyWithSecret, AuthSession } from '../storage/storage.js';

export type AppEnv = {
  Bindings: HttpBindings;
  Variables: { auth: AuthSession | null; apiKey?: ApiKeyWithSecret };
};

/** The signed-in user, for routes mounted behind a check that there is one. */
export function userOf(c: Context<AppEnv>): AuthSession['user'] {
  const auth = c.get('auth');
  if (!auth) throw new Error('route needs a signed-in user but none was checked');
  return auth.user;
}

export function apiError(
  c: Context,
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
): Response {
  const body: ApiErrorBody = { error: { code, message } };
  return c.json(body, status);
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; response: Response };

/**
 * The one parse-and-validate step for HTTP bodies: JSON only (415 otherwise), parsed and checked
 * against a schema (400 with the first problem named), nesting at most `Limits.jsonDepth` deep
 * (400: later code walking the value must not run out of stack). The size limit (413) is enforced by the
 * body-limit middleware before this reads anything.
 */
export async function readJson<S extends v.GenericSchema>(
  c: Context,
  schema: S,
): Promise<ReadResult<v.InferOutput<S>>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return {
      ok: false,
      response: apiError(
        c,
        415,
        'unsupported_media_type',
        `send Content-Type: application/json, not "${type}"`,
      ),
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    return { ok: false, response: apiError(c, 400, 'invalid_request', 'the body is not valid JSON') };
  }
  const over = nestingOverLimit(raw, Limits.jsonDepth);
  if (over) {
    return {
      ok: false,
      response: apiError(c, 400, 'invalid_request', nestingMessage(over, Limits.jsonDepth, 'body')),
    };
  }
  const result = v.safeParse(schema, raw);
  if (!result.success) {
    const issue = result.issues[0];
    const path = issue.path?.map((p) => String(p.key)).join('.');
    return {
      ok: false,
      response: apiError(c, 400, issueCode(issue), path ? `${path}: ${issue.message}` : issue.message),
    };
  }
  return { ok: true, value: result.output };
}
