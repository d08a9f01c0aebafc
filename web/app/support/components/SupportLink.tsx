/**
 * The top bar's way to the agent console (agents and admins), with the number of unread visitor
 * messages in conversations that are theirs or nobody's. Screen readers hear "Support, 2 unread".
 */

import { Icon } from '../../common/components/Icon.js';
import { Link } from '../../common/components/Link.js';
import type { Catalog } from '../../common/i18n.js';
import { type Router, SUPPORT_PATH } from '../../common/models/router.js';
import type { SupportDesk } from '../models/support.js';

export function SupportLink({
  desk,
  router,
  t,
  current,
}: {
  desk: SupportDesk;
  router: Router;
  t: Catalog;
  current: boolean;
}) {
  const unread = desk.totalUnread.value;
  return (
    <Link
      router={router}
      href={SUPPORT_PATH}
      class="topbar-link support-link"
      aria-current={current ? 'page' : undefined}
    >
      <Icon name="headset" />
      <span class="topbar-link-text">{t.support}</span>
      {unread > 0 && (
        <span class="badge support-badge">
          <span aria-hidden="true">{unread}</span>
          <span class="sr-only">{t.supportUnread(unread)}</span>
        </span>
      )}
    </Link>
  );
}
