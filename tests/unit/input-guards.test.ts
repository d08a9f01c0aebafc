/** The Host policy and the JSON nesting check, in-process. */
import { describe, expect, it } from 'vitest';
import { createHostPolicy } from '../../server/http/hosts.js';
import { nestingMessage, nestingOverLimit } from '../../shared/json-depth.js';

const req = (headers: Record<string, string>) => ({ header: (name: string) => headers[name] });

describe('createHostPolicy', () => {
  const policy = createHostPolicy({
    publicUrl: 'https://chat.example.com',
    allowedHosts: ['intranet.example:8443'],
    trustProxy: true,
  });

  it.each(['localhost:3000', 'LOCALHOST', 'a.b.localhost:1', '127.0.0.1:80', '127.8.9.10', '[::1]:3000'])(
    'answers the localhost name %s',
    (host) => expect(policy.refusal(req({ host }))).toBeNull(),
  );

  it.each(['chat.example.com', 'chat.example.com:443', 'intranet.example:8443'])('answers %s', (host) =>
    expect(policy.refusal(req({ host }))).toBeNull(),
  );

  it.each([
    'attacker.example',
    'localhost.attacker.example',
    'chat.example.com.evil',
    'intranet.example',
    '127.0.0.1.nip.io',
  ])('refuses %s, naming the settings', (host) =>
    expect(policy.refusal(req({ host }))).toContain('PUBLIC_URL or ALLOWED_HOSTS'),
  );

  it('reads X-Forwarded-Host first behind a trusted proxy, and refuses no Host at all', () => {
    expect(policy.refusal(req({ host: 'localhost', 'x-forwarded-host': 'evil.example' }))).not.toBeNull();
    expect(policy.refusal(req({ host: '10.0.0.5:3000', 'x-forwarded-host': 'chat.example.com' }))).toBeNull();
    expect(policy.refusal(req({}))).toContain('Host header');
  });

  it('answers any host with ALLOWED_HOSTS=*', () => {
    const any = createHostPolicy({ publicUrl: null, allowedHosts: ['*'], trustProxy: false });
    expect(any.refusal(req({ host: 'whatever.example' }))).toBeNull();
  });
});

describe('nestingOverLimit', () => {
  it('passes scalars and values within the limit', () => {
    expect(nestingOverLimit(5, 1)).toBeNull();
    expect(nestingOverLimit({ a: [1, { b: 2 }] }, 3)).toBeNull();
  });

  it('names the top-level field and the whole depth of a 100,000-deep value without overflowing', () => {
    const deep = JSON.parse(`{"ok":1,"data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const over = nestingOverLimit(deep, 32);
    expect(over).toEqual({ depth: 100_001, field: 'data' });
    expect(nestingMessage(over as { depth: number; field: string }, 32, 'body')).toBe(
      'data (in the body) is nested 100001 deep; the limit is 32, counting the body itself as 1',
    );
  });

  it('counts the outermost value as level 1 and names an array index as the field', () => {
    const over = nestingOverLimit([[[[]]]], 3);
    expect(over).toEqual({ depth: 4, field: '0' });
    expect(nestingOverLimit([[[]]], 3)).toBeNull();
  });
});
