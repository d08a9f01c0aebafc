/** An <a> that navigates inside the SPA, but still opens a new tab on a modified click. */
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
  return (
    <a {...rest} href={href} onClick={onClick}>
      {children}
    </a>
  );
}
