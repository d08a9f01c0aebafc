/**
 * An <a> that navigates inside the SPA, but still opens a new tab on a modified click. Its href
 * carries the address's sticky parameters (`?transport=`), so a new tab connects the same way.
 */
import type { ComponentChildren, JSX } from 'preact';
import type { Router } from '../models/router.js';

type LinkProps = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href'> & {
  router: Router;
  href: string;
  children: ComponentChildren;
  /** Called on every in-app click, even when the address does not change. */
  onNavigate?: () => void;
};

export function Link({ router, href, children, onNavigate, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    router.navigate(href);
    onNavigate?.();
  };
  // Read so that the link re-renders when the address's query changes.
  void router.query.value;
  return (
    <a {...rest} href={router.href(href)} onClick={onClick}>
      {children}
    </a>
  );
}
