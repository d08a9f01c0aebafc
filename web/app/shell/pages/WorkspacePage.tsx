/**
 * The signed-in screen: the top bar, the sidebar with the room list (a drawer on narrow screens),
 * and in the main pane the page of the area the address names: a room, the support console, an
 * admin page, the jobs or the Transport lab.
 */

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { AgentsPage } from '../../admin/pages/AgentsPage.js';
import { KeysPage } from '../../admin/pages/KeysPage.js';
import { SitesPage } from '../../admin/pages/SitesPage.js';
import { NewRoomForm } from '../../chat/components/NewRoomForm.js';
import { RoomList } from '../../chat/components/RoomList.js';
import { InvitePage } from '../../chat/pages/InvitePage.js';
import { RoomPage } from '../../chat/pages/RoomPage.js';
import { Icon } from '../../common/components/Icon.js';
import { Link } from '../../common/components/Link.js';
import { LAB_PATH, roomPath } from '../../common/models/router.js';
import { JobsLink } from '../../jobs/components/JobsLink.js';
import { JobsPage } from '../../jobs/pages/JobsPage.js';
import { LabPage } from '../../lab/pages/LabPage.js';
import { SupportLink } from '../../support/components/SupportLink.js';
import { SupportPage } from '../../support/pages/SupportPage.js';
import { ConnectionStatus } from '../components/ConnectionStatus.js';
import { UserBar } from '../components/UserBar.js';
import type { AppModel } from '../models/app.js';
import type { Workspace } from '../models/workspace.js';

export function WorkspacePage({ app, workspace }: { app: AppModel; workspace: Workspace }) {
  const t = app.locale.t.value;
  const lang = app.locale.lang.value;
  const route = app.router.route.value;
  const drawerOpen = app.drawerOpen.value;
  const total = workspace.rooms.totalUnread.value;
  const roomId = route.name === 'room' ? route.roomId : null;

  // The drawer takes focus when it opens and gives it back to its toggle when it closes.
  const toggle = useRef<HTMLButtonElement>(null);
  const sidebar = useRef<HTMLElement>(null);
  const wasOpen = useRef(drawerOpen);
  useEffect(() => {
    if (drawerOpen && !wasOpen.current) {
      sidebar.current?.querySelector<HTMLElement>('a[href], button, select, input')?.focus();
    }
    const active = document.activeElement;
    if (!drawerOpen && wasOpen.current && (active === document.body || sidebar.current?.contains(active))) {
      toggle.current?.focus();
    }
    wasOpen.current = drawerOpen;
    if (!drawerOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') app.setDrawer(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drawerOpen, app]);

  let main: ComponentChildren;
  const origin = window.location.origin;
  if (route.name === 'invite') {
    main = <InvitePage token={route.token} api={app.api} rooms={workspace.rooms} router={app.router} t={t} />;
  } else if (route.name === 'lab') {
    main = <LabPage lab={workspace.lab} router={app.router} t={t} lang={lang} />;
  } else if (route.name === 'jobs') {
    main = <JobsPage jobs={workspace.jobs} t={t} lang={lang} origin={origin} />;
  } else if (route.name === 'keys') {
    main = <KeysPage keys={workspace.keys} meId={workspace.me.id} t={t} lang={lang} origin={origin} />;
  } else if (route.name === 'sites') {
    main = <SitesPage sites={workspace.admin?.sites ?? null} t={t} lang={lang} />;
  } else if (route.name === 'agents') {
    main = <AgentsPage users={workspace.admin?.users ?? null} meId={workspace.me.id} t={t} lang={lang} />;
  } else if (route.name === 'support') {
    main = (
      <SupportPage
        desk={workspace.support}
        me={workspace.me}
        typing={workspace.typing}
        router={app.router}
        t={t}
        lang={lang}
      />
    );
  } else {
    main = (
      <RoomPage
        roomId={roomId}
        api={app.api}
        rooms={workspace.rooms}
        chat={workspace.current.value}
        me={workspace.me}
        presence={workspace.presence}
        typing={workspace.typing}
        t={t}
        lang={lang}
        onLeft={() => app.router.navigate('/')}
        receipts={workspace.receipts}
        onOpenDm={async (userIds) => {
          const result = await workspace.rooms.openDm(userIds);
          if (result.ok) app.router.navigate(roomPath(result.value.id));
          return result;
        }}
      />
    );
  }

  return (
    // The console needs the whole width: there the room list is a drawer at every size.
    <div class={`shell${drawerOpen ? ' drawer-open' : ''}${route.name === 'support' ? ' wide-main' : ''}`}>
      {/* Following a fragment link focuses its target when it is focusable, as the textarea is. */}
      <a class="skip-link" href="#composer">
        {t.skipToComposer}
      </a>
      <header class="topbar">
        <button
          ref={toggle}
          type="button"
          class="icon-button drawer-toggle"
          aria-expanded={drawerOpen}
          aria-controls="sidebar"
          onClick={() => app.setDrawer(!drawerOpen)}
        >
          <Icon name={drawerOpen ? 'close' : 'menu'} />
          <span class="sr-only">{drawerOpen ? t.hideRooms : t.showRooms}</span>
          {total > 0 && !drawerOpen && (
            <span class="badge badge-dot">
              <span aria-hidden="true">{total}</span>
              <span class="sr-only">{t.unreadCount(total)}</span>
            </span>
          )}
        </button>
        <span class="brand">
          <span class="brand-mark" aria-hidden="true" />
          <span class="brand-name">{t.appName}</span>
        </span>
        <Link
          router={app.router}
          href={LAB_PATH}
          class="topbar-link"
          aria-current={route.name === 'lab' ? 'page' : undefined}
        >
          <Icon name="chart" />
          <span class="topbar-link-text">{t.lab}</span>
        </Link>
        {workspace.support && (
          <SupportLink
            desk={workspace.support}
            router={app.router}
            t={t}
            current={route.name === 'support'}
          />
        )}
        <JobsLink
          jobs={workspace.jobs}
          router={app.router}
          t={t}
          lang={lang}
          current={route.name === 'jobs'}
        />
        <ConnectionStatus
          connection={workspace.connection}
          t={t}
          onSignInAgain={() => app.signInAgain()}
          onReload={() => window.location.reload()}
        />
      </header>
      <div class="body">
        <aside id="sidebar" class="sidebar" aria-label={t.rooms} ref={sidebar}>
          <div class="sidebar-scroll">
            <RoomList
              rooms={workspace.rooms}
              router={app.router}
              t={t}
              activeId={roomId}
              onPick={() => app.setDrawer(false)}
            />
            <NewRoomForm rooms={workspace.rooms} router={app.router} t={t} />
          </div>
          <UserBar
            me={workspace.me}
            settings={workspace.settings}
            locale={app.locale}
            router={app.router}
            current={route.name}
            onSignOut={() => void app.signOut()}
          />
        </aside>
        {drawerOpen && <div class="scrim" aria-hidden="true" onClick={() => app.setDrawer(false)} />}
        <main class="main">{main}</main>
      </div>
    </div>
  );
}
