/**
 * The root model, created once in main.tsx and passed down: language, route, session, and the
 * signed-in workspace when there is one.
 */
import { effect, type ReadonlySignal, signal, untracked } from '@preact/signals';
import { closeInfo } from '../../../../shared/codes.js';
import { type Api, createApi } from '../../common/api.js';
import { createRouter, type Router } from '../../common/models/router.js';
import { hasWebSocket, transportFromQuery } from './connection.js';
import { createLocale, type Locale } from './locale.js';
import { createSession, type Session } from './session.js';
import { createVisibility } from './visibility.js';
import { createWorkspace, type Workspace } from './workspace.js';

export interface AppModel {
  readonly api: Api;
  readonly locale: Locale;
  readonly router: Router;
  readonly session: Session;
  readonly visible: ReadonlySignal<boolean>;
  readonly workspace: ReadonlySignal<Workspace | null>;
  /** The room list drawer on narrow screens. */
  readonly drawerOpen: ReadonlySignal<boolean>;
  setDrawer(open: boolean): void;
  signOut(): Promise<void>;
  /** The server ended the session: drop everything and show the sign-in form. */
  signInAgain(): void;
}

export function createAppModel(win: Window): AppModel {
  const api = createApi();
  const locale = createLocale({
    storage: safeLocalStorage(win),
    languages: win.navigator.languages?.length ? win.navigator.languages : [win.navigator.language],
    root: win.document.documentElement,
  });
  const router = createRouter(win);
  const session = createSession(api);
  const visible = createVisibility(win.document);
  const workspace = signal<Workspace | null>(null);
  const drawerOpen = signal(false);

  const closeWorkspace = () => {
    workspace.peek()?.dispose();
    workspace.value = null;
  };

  effect(() => {
    const user = session.user.value;
    const open = workspace.peek();
    if (open && open.me.id === user?.id) return;
    closeWorkspace();
    if (!user) return;
    // untracked: what the workspace reads while it sets up must not re-run this effect.
    workspace.value = untracked(() =>
      createWorkspace({
        me: user,
        api,
        router,
        visible,
        networkError: () => locale.t.peek().networkError,
        t: () => locale.t.peek(),
        win,
        transport: transportFromQuery(router.query.value, hasWebSocket(win)),
      }),
    );
  });

  effect(() => {
    const open = workspace.value;
    const unread = (open?.rooms.totalUnread.value ?? 0) + (open?.support?.totalUnread.value ?? 0);
    win.document.title = locale.t.value.documentTitle(unread, open?.rooms.totalMentions.value ?? 0);
  });

  // NOTE: suspended or deleted: the client has stopped (terminal close) and this account can do
  // nothing any more, so go to the sign-in page and say why there. (Signed out, the page stays
  // with the reason and a "Sign in again" button: signing in again is all it takes.)
  effect(() => {
    const state = workspace.value?.connection.state.value;
    if (state?.status !== 'offline') return;
    const name = closeInfo(state.code).name;
    if (name !== 'account_suspended' && name !== 'account_deleted') return;
    untracked(() => {
      closeWorkspace();
      session.lost(name);
      router.navigate('/login');
    });
  });

  // Any navigation closes the drawer: picking a room is the end of what it was opened for.
  effect(() => {
    void router.route.value;
    drawerOpen.value = false;
  });

  void session.check();

  return {
    api,
    locale,
    router,
    session,
    visible,
    workspace,
    drawerOpen,
    setDrawer(open) {
      drawerOpen.value = open;
    },
    async signOut() {
      // Close our own socket first, so the server's "signed out" close is not shown as an error.
      closeWorkspace();
      await session.signOut();
      router.navigate('/login');
    },
    signInAgain() {
      const state = workspace.peek()?.connection.state.peek();
      const signedOut = state?.status === 'offline' && closeInfo(state.code).name === 'signed_out';
      closeWorkspace();
      session.lost(signedOut ? 'signed_out' : undefined);
      router.navigate('/login');
    },
  };
}

function safeLocalStorage(win: Window): Storage | null {
  try {
    return win.localStorage;
  } catch {
    return null;
  }
}
