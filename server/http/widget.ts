/**
 * The support widget's HTTP API, called from customers' pages (cross-origin, without cookies).
 * Every request names its site (`?site=<key>`, public) and must come from one of the site's
 * allowed origins (403 otherwise); a visitor proves who they are with their token in the
 * `X-Switchboard-Visitor` header (never the URL). A visitor reaches only their own conversations:
 * anyone else's answers 404, with no hint that it exists.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import {
  IdentifyBody,
  PageViewBody,
  StartConversationBody,
  type VisitorConversation,
  type WidgetConfig,
} from '../../shared/api.js';
import type { Broker, RateRule } from '../broker/broker.js';
import { msgFrame } from '../hub/frames.js';
import { randomId } from '../ids.js';
import type { Logger } from '../log.js';
import type { Refusals } from '../refusals.js';
import type { Site, Storage, Visitor } from '../storage/storage.js';
import { convStream, type Support } from '../support/service.js';
import type { SiteDirectory } from '../support/sites.js';
import {
  hashVisitorToken,
  newVisitorToken,
  VISITOR_HEADER,
  VISITOR_TOKEN,
} from '../support/visitor-tokens.js';
import { type AppEnv, apiError, readJson } from './env.js';
import { historyPage } from './history.js';
import { siteCors } from './site-cors.js';
import { type Bucket, ipOf, throttle } from './throttle.js';

type WidgetEnv = AppEnv & { Variables: AppEnv['Variables'] & { site: Site; visitor: Visitor } };

export interface WidgetDeps {
  storage: Storage;
  support: Support;
  sites: SiteDirectory;
  log: Logger;
  broker: Broker;
  refusals: Refusals;
  trustProxy: boolean;
  /** Visitors and conversations started per address; per site ten times as many. */
  throttles: { visitor: RateRule };
}

/**
 * Anyone on the internet can create a visitor or start a conversation (that is the widget's job),
 * so both are throttled per address and, against many addresses at once, per site.
 */
function creationBuckets(
  deps: WidgetDeps,
  c: Context<WidgetEnv>,
  kind: 'visitor' | 'conversation',
): Bucket[] {
  const rule = deps.throttles.visitor;
  const ip = ipOf(c, deps.trustProxy);
  const site = c.get('site').id;
  const what = kind === 'visitor' ? 'new widget visitors' : 'new conversations';
  return [
    { key: `${kind}-ip:${ip}`, rule, what: `${what} from one address`, reason: `${kind}_address` },
    {
      key: `${kind}-site:${site}`,
      rule: { burst: rule.burst * 10, refillMs: Math.max(1, Math.round(rule.refillMs / 10)) },
      what: `${what} on this site`,
      reason: `${kind}_site`,
    },
  ];
}

const view = (c: {
  id: string;
  status: VisitorConversation['status'];
  lastSeq: number;
  lastPreview: string;
  lastFrom: VisitorConversation['lastFrom'];
  lastActivityAt: number;
}): VisitorConversation => ({
  id: c.id,
  status: c.status,
  lastSeq: c.lastSeq,
  lastPreview: c.lastPreview,
  lastFrom: c.lastFrom,
  lastActivityAt: c.lastActivityAt,
});

export function widgetRoutes(deps: WidgetDeps): Hono<WidgetEnv> {
  const { storage, support, sites, log } = deps;
  const app = new Hono<WidgetEnv>();

  // The site and its origin first, for every request including the CORS preflight.
  app.use(
    '*',
    siteCors<WidgetEnv>(sites, {
      methods: 'GET, POST',
      headers: `content-type, ${VISITOR_HEADER}`,
      onSite: (c, site) => c.set('site', site),
    }),
  );

  const visitorOnly: MiddlewareHandler<WidgetEnv> = async (c, next) => {
    const token = c.req.header(VISITOR_HEADER) ?? '';
    const visitor = VISITOR_TOKEN.test(token)
      ? await storage.visitorByToken(c.get('site').id, hashVisitorToken(token))
      : null;
    if (!visitor) return apiError(c, 401, 'unauthorized', `send the visitor token in ${VISITOR_HEADER}`);
    c.set('visitor', visitor);
    await next();
  };

  const ownConversation = async (c: Context<WidgetEnv>) => {
    const conversation = await storage.conversationById(c.req.param('id') ?? '');
    return conversation && conversation.visitorId === c.get('visitor').id ? conversation : null;
  };

  app.get('/config', async (c) => {
    const site = c.get('site');
    const availability = await support.availability(site);
    const config: WidgetConfig = {
      site: { name: site.name, greeting: site.options.greeting, prechat: site.options.prechat },
      ...availability,
    };
    return c.json(config);
  });

  app.post('/visitors', async (c) => {
    const limited = await throttle(c, deps, creationBuckets(deps, c, 'visitor'));
    if (limited) return limited;
    const site = c.get('site');
    const token = newVisitorToken();
    const visitor = await storage.createVisitor({
      id: randomId(),
      siteId: site.id,
      tokenHash: hashVisitorToken(token),
    });
    await storage.updateVisitor(visitor.id, { userAgent: (c.req.header('user-agent') ?? '').slice(0, 500) });
    log.info('support.visitor', { site: site.id, visitor: visitor.id });
    return c.json({ token }, 201);
  });

  app.get('/unread', visitorOnly, async (c) => c.json({ unread: await support.unread(c.get('visitor')) }));

  app.get('/conversations', visitorOnly, async (c) => {
    const list = await storage.visitorConversations(c.get('visitor').id);
    return c.json({ conversations: list.map(view) });
  });

  app.post('/conversations', visitorOnly, async (c) => {
    const body = await readJson(c, StartConversationBody);
    if (!body.ok) return body.response;
    const limited = await throttle(c, deps, creationBuckets(deps, c, 'conversation'));
    if (limited) return limited;
    let visitor = c.get('visitor');
    const { name, email, text } = body.value;
    if (name !== undefined || email !== undefined) {
      visitor =
        (await storage.updateVisitor(visitor.id, {
          ...(name !== undefined ? { name } : {}),
          ...(email !== undefined ? { email } : {}),
        })) ?? visitor;
    }
    const { conversation, entry, conflict } = await support.start(
      visitor,
      text,
      body.value.clientMsgId ?? randomId(),
    );
    if (conflict) {
      return apiError(
        c,
        409,
        'idempotency_conflict',
        'this clientMsgId was already used for another message; use a new one',
      );
    }
    return c.json({ conversation: view(conversation), message: msgFrame(entry) }, 201);
  });

  app.get('/conversations/:id/messages', visitorOnly, async (c) => {
    const conversation = await ownConversation(c);
    if (!conversation) return apiError(c, 404, 'not_found', 'no such conversation');
    return historyPage(c, storage, convStream(conversation.id));
  });

  app.post('/identify', visitorOnly, async (c) => {
    const body = await readJson(c, IdentifyBody);
    if (!body.ok) return body.response;
    const visitor = c.get('visitor');
    const { attributes, ...rest } = body.value;
    const updated = await storage.updateVisitor(visitor.id, {
      ...rest,
      ...(attributes ? { attributes: { ...visitor.attributes, ...attributes } } : {}),
    });
    return c.json({ name: updated?.name ?? '', email: updated?.email ?? '' });
  });

  app.post('/page', visitorOnly, async (c) => {
    const body = await readJson(c, PageViewBody);
    if (!body.ok) return body.response;
    const visitor = c.get('visitor');
    await support.pageView(visitor, body.value.url, body.value.title);
    await storage.updateVisitor(visitor.id, {
      lastSeenAt: Date.now(),
      userAgent: (c.req.header('user-agent') ?? visitor.userAgent).slice(0, 500),
      ...(body.value.timezone ? { timezone: body.value.timezone } : {}),
    });
    return c.body(null, 204);
  });

  return app;
}
