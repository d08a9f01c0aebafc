/** Whether the tab is visible: messages are marked read only while someone can see them. */
import { type ReadonlySignal, signal } from '@preact/signals';

export function createVisibility(doc: Document): ReadonlySignal<boolean> {
  const visible = signal(doc.visibilityState === 'visible');
  doc.addEventListener('visibilitychange', () => {
    visible.value = doc.visibilityState === 'visible';
  });
  return visible;
}
