/**
 * The contract between the loader (widget.js) and the lazily loaded chat (widget-chat.js). Types
 * only: neither bundle pays a byte for it.
 *
 * The loader hands the chat its closed shadow root through a one-shot global: before it appends
 * the chat's `<script>`, it defines `window.__switchboardWidget(mount)`; the chat calls it with its
 * `mount` function and the loader deletes the global. So the root never sits on `window`.
 *
 * @example
 * // widget-chat.js
 * window.__switchboardWidget?.((host) => {
 *   render(<Chat host={host} />, panelIn(host.container));
 *   return { open() {}, close() {}, identify() {} };
 * });
 */

export type Lang = 'en' | 'zh-CN';

/** What a page may tell about its visitor: `Switchboard.identify({...})`. */
export interface IdentifyData {
  name?: string;
  email?: string;
  attributes?: Record<string, string | number | boolean>;
}

/** What `Switchboard.on('message', fn)` receives: an agent's reply, as it arrives. */
export interface WidgetMessageEvent {
  conversation: string;
  from: string;
  text: string;
  at: number;
}

/** What `Switchboard.on('event', fn)` receives: an event your backend pushed to this visitor. */
export interface WidgetPushEvent {
  event: string;
  data: unknown;
  at: number;
}

/** What the loader gives the chat. */
export interface WidgetHost {
  root: ShadowRoot;
  /** Inside the root: holds the launcher; the chat adds its panel here (the accent is set on it). */
  container: HTMLElement;
  /** The Switchboard server's origin, like https://chat.example.com. */
  origin: string;
  site: string;
  lang: Lang;
  /** `data-greeting`, or '' to use the site's own. */
  greeting: string;
  /** The visitor token kept in the host page's localStorage, or null for a new visitor. */
  token(): string | null;
  /** Keeps the token in the host page's localStorage; null forgets it (the site does not know it). */
  saveToken(token: string | null): void;
  isOpen(): boolean;
  /** Closes the panel (Escape, the close button) and gives focus back to the launcher. */
  close(): void;
  /** The number of unread agent replies: the launcher's dot and `on('unread')`. */
  unread(count: number): void;
  /** An agent's reply arrived: `on('message')`. */
  message(event: WidgetMessageEvent): void;
  /** The visitor's id, once the widget is connected: `on('visitor')` (for pushes to `{visitor: id}`). */
  visitor(id: string): void;
  /** An event pushed to this visitor by the site's backend: `on('event')`. */
  event(event: WidgetPushEvent): void;
}

/** What the chat gives back. */
export interface WidgetChat {
  open(): void;
  close(): void;
  identify(data: IdentifyData): void;
}

export type MountChat = (host: WidgetHost) => WidgetChat;

/** The one-shot handshake global (see above). */
export const HANDSHAKE = '__switchboardWidget';

/** Where the visitor token lives in the host page's localStorage. */
export const tokenKey = (site: string): string => `switchboard:${site}:visitor`;
