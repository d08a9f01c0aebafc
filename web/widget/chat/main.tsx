/**
 * widget-chat.js: the chat, loaded by widget.js into the shadow root it made (budget: 30 kB gzip
 * with the SDK). It takes the root through the loader's one-shot handshake and renders the panel
 * next to the launcher.
 */
import { render } from 'preact';
import { HANDSHAKE, type MountChat } from '../host.js';
import { createWidgetApi } from './api.js';
import css from './chat.css?inline';
import { Chat } from './components/Chat.js';
import { createChatModel } from './model.js';

const mount: MountChat = (host) => {
  if ('replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    host.root.adoptedStyleSheets = [...host.root.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    host.root.append(style);
  }
  const api = createWidgetApi({ origin: host.origin, site: host.site, token: host.token });
  const model = createChatModel({ host, api });
  const slot = document.createElement('div');
  host.container.append(slot);
  render(<Chat model={model} />, slot);
  void model.init();
  return {
    open: () => {
      model.open.value = true;
    },
    close: () => {
      model.open.value = false;
    },
    identify: model.identify,
  };
};

const handshake = (window as unknown as Record<string, ((mount: MountChat) => void) | undefined>)[HANDSHAKE];
if (handshake) handshake(mount);
else console.warn('Switchboard: widget-chat.js is loaded by widget.js; add widget.js to the page instead');
