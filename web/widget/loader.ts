/**
 * widget.js: the part of the support widget every page view pays for (budget: 3 kB gzip). It draws
 * the launcher in a closed shadow root and opens no connection at all, with one exception: a
 * returning visitor (a token in localStorage) costs one `GET /api/widget/unread`, for the dot.
 * The chat (widget-chat.js) loads on the first click, or at once, unopened, when there are unread
 * replies, so that new ones arrive live.
 *
 * @example
 * <script src="https://chat.example.com/widget.js" data-site="SITE_KEY" async></script>
 * <script>(window.Switchboard = window.Switchboard || []).push(['identify', { name: 'Ada' }]);</script>
 */
import {
  HANDSHAKE,
  type IdentifyData,
  type Lang,
  type MountChat,
  tokenKey,
  type WidgetChat,
} from './host.js';
import css from './loader.css?inline';

type Listener = (value: never) => void;
type Command = [string, ...unknown[]];

interface Api {
  open(): void;
  close(): void;
  toggle(): void;
  identify(data: IdentifyData): void;
  on(event: string, listener: Listener): void;
  off(event: string, listener: Listener): void;
  push(command: Command): void;
}

type Globals = typeof globalThis & {
  Switchboard?: Command[] | Api;
  [HANDSHAKE]?: (mount: MountChat) => void;
  trustedTypes?: {
    createPolicy(
      name: string,
      rules: { createScriptURL(s: string): string },
    ): { createScriptURL(s: string): unknown };
  };
};

const STRINGS: Record<Lang, [open: string, close: string, unread: string]> = {
  en: ['Chat with us', 'Close chat', 'unread'],
  'zh-CN': ['联系我们', '关闭聊天', '条未读'],
};

const SVG = 'http://www.w3.org/2000/svg';

/** An icon without innerHTML: pages with Trusted Types would refuse markup strings. */
function icon(className: string, path: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  const shape = document.createElementNS(SVG, 'path');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', className);
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
}

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript as HTMLScriptElement | null;
  if (current?.dataset.site) return current;
  for (const script of document.querySelectorAll<HTMLScriptElement>('script[data-site]')) {
    if (/\/widget\.js(\?|#|$)/.test(script.src)) return script;
  }
  return null;
}

function pickLang(wanted: string | undefined): Lang {
  const tag = (wanted || navigator.language || 'en').toLowerCase();
  return tag.startsWith('zh') ? 'zh-CN' : 'en';
}

function start(script: HTMLScriptElement, site: string): void {
  const w = window as Globals;
  const data = script.dataset;
  const origin = new URL(script.src).origin;
  const lang = pickLang(data.language);
  const [openLabel, closeLabel, unreadLabel] = STRINGS[lang];
  const key = tokenKey(site);
  // localStorage throws where storage is disabled (some privacy modes, sandboxed frames).
  let memoryToken: string | null = null;
  const token = (): string | null => {
    try {
      return localStorage.getItem(key) ?? memoryToken;
    } catch {
      return memoryToken;
    }
  };
  const saveToken = (value: string | null): void => {
    memoryToken = value;
    try {
      if (value) localStorage.setItem(key, value);
      else localStorage.removeItem(key);
    } catch {
      // kept in memory for this page view only
    }
  };

  const host = document.createElement('switchboard-widget');
  const root = host.attachShadow({ mode: 'closed' });
  if (data.position === 'bottom-left') host.className = 'left';
  if ('replaceSync' in CSSStyleSheet.prototype) {
    // NOTE: a constructed sheet is CSSOM, which a CSP without 'unsafe-inline' allows; a <style>
    // element is the fallback only for browsers without constructable stylesheets.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
  const container = document.createElement('div');
  container.className = 'w';
  const accent = data.accent;
  if (accent && CSS.supports('color', accent)) container.style.setProperty('--sb-accent', accent);
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'l';
  const dot = document.createElement('span');
  dot.className = 'd';
  dot.hidden = true;
  launcher.append(
    icon('c', 'M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12z'),
    icon('x', 'M6 6l12 12M18 6L6 18'),
    dot,
  );
  container.append(launcher);
  root.append(container);
  document.body.append(host);

  let isOpen = false;
  let unread = -1;
  let chat: WidgetChat | null = null;
  let loading = false;
  const pending: IdentifyData[] = [];
  const listeners = new Map<string, Set<Listener>>([
    ['unread', new Set()],
    ['message', new Set()],
    ['visitor', new Set()],
    ['event', new Set()],
  ]);
  const emit = (event: string, value: unknown): void => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        (listener as (v: unknown) => void)(value);
      } catch (err) {
        console.error(`Switchboard: an "${event}" listener threw`, err);
      }
    }
  };

  const label = (): void => {
    launcher.setAttribute('aria-expanded', String(isOpen));
    launcher.setAttribute(
      'aria-label',
      isOpen ? closeLabel : unread > 0 ? `${openLabel} (${unread} ${unreadLabel})` : openLabel,
    );
  };
  const setUnread = (count: number): void => {
    if (count === unread) return;
    unread = count;
    dot.hidden = count < 1;
    label();
    emit('unread', count);
  };

  const loadChat = (): void => {
    if (chat || loading) return;
    loading = true;
    w[HANDSHAKE] = (mount) => {
      delete w[HANDSHAKE];
      chat = mount({
        root,
        container,
        origin,
        site,
        lang,
        greeting: data.greeting ?? '',
        token,
        saveToken,
        isOpen: () => isOpen,
        close: () => setOpen(false),
        unread: setUnread,
        message: (event) => emit('message', event),
        visitor: (id) => emit('visitor', id),
        event: (event) => emit('event', event),
      });
      for (const identity of pending.splice(0)) chat.identify(identity);
      if (isOpen) chat.open();
    };
    const tag = document.createElement('script');
    const src = `${origin}/widget-chat.js?v=__SB_CHAT_VERSION__`;
    // A page that enforces Trusted Types takes a script URL only from a policy it allows
    // (`trusted-types switchboard`); everywhere else the string is used as it is.
    let url: unknown = src;
    try {
      url =
        w.trustedTypes
          ?.createPolicy('switchboard', { createScriptURL: (s: string) => s })
          .createScriptURL(src) ?? src;
    } catch {
      // the page does not allow the policy: the assignment below says why in the console
    }
    tag.src = url as string;
    tag.async = true;
    tag.onerror = () => {
      loading = false;
      delete w[HANDSHAKE];
      tag.remove();
      console.warn(`Switchboard: could not load ${src}`);
      if (isOpen) {
        isOpen = false;
        label();
      }
    };
    document.head.append(tag);
  };

  const setOpen = (open: boolean): void => {
    if (open === isOpen) return;
    isOpen = open;
    label();
    if (!open) {
      chat?.close();
      // Focus goes back to the launcher only if it was in the widget: a page's own
      // Switchboard.close() must not move the visitor's focus.
      if (root.activeElement) launcher.focus();
    } else if (chat) chat.open();
    else loadChat();
  };

  launcher.addEventListener('click', () => setOpen(!isOpen));
  container.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && isOpen) {
      event.stopPropagation();
      setOpen(false);
    }
  });

  const api: Api = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!isOpen),
    identify(identity) {
      if (chat) chat.identify(identity);
      else pending.push(identity);
    },
    on(event, listener) {
      listeners.get(event)?.add(listener);
      // A late listener learns the current count at once.
      if (event === 'unread' && unread >= 0) (listener as (v: number) => void)(unread);
    },
    off: (event, listener) => void listeners.get(event)?.delete(listener),
    push(command) {
      if (!Array.isArray(command)) return;
      const [name, a, b] = command;
      switch (name) {
        case 'open':
        case 'close':
        case 'toggle':
          return api[name]();
        case 'identify':
          return api.identify(a as IdentifyData);
        case 'on':
        case 'off':
          return api[name](a as string, b as Listener);
        default:
          console.warn(`Switchboard: unknown command "${String(name)}"`);
      }
    },
  };

  const queued = Array.isArray(w.Switchboard) ? w.Switchboard : [];
  w.Switchboard = api;
  label();
  for (const command of queued) api.push(command);

  const saved = token();
  if (!saved) return;
  fetch(`${origin}/api/widget/unread?site=${encodeURIComponent(site)}`, {
    headers: { 'x-switchboard-visitor': saved },
    credentials: 'omit',
  })
    .then(async (res) => {
      if (res.status === 401) return saveToken(null); // this site no longer knows the visitor
      if (!res.ok) return console.warn(`Switchboard: unread check answered HTTP ${res.status}`);
      const count = Number(((await res.json()) as { unread?: unknown }).unread) || 0;
      setUnread(count);
      if (count > 0) loadChat();
    })
    .catch(() => {
      // offline: the dot stays off; the chat says more when opened
    });
}

const script = findScript();
const site = script?.dataset.site;
const existing = (window as Globals).Switchboard;
if (!script || !site) {
  console.warn('Switchboard: add data-site="<site key>" to the widget.js <script> tag');
} else if (!existing || Array.isArray(existing)) {
  // Once per page: a second copy of the snippet leaves the first one in charge.
  if (document.body) start(script, site);
  else document.addEventListener('DOMContentLoaded', () => start(script, site));
}
