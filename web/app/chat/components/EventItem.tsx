/**
 * An event pushed into the room by a backend (push API): one compact system line with the event's
 * name and a short summary of its data. Everything in it came from the network and is text only.
 */
import type { EventFrame } from '../../../../shared/protocol.js';
import { Icon } from '../../common/components/Icon.js';
import { EVENT_SUMMARY_CHARS, eventSummary } from '../../common/format.js';
import type { Catalog } from '../../common/i18n.js';

/** The tooltip may show more of the data than the line does, but still not an unbounded amount. */
const TITLE_CHARS = 1000;

export interface EventItemProps {
  event: EventFrame;
  t: Catalog;
  formatTime(ts: number): string;
  formatDate(ts: number): string;
}

export function EventItem({ event, t, formatTime, formatDate }: EventItemProps) {
  const summary = eventSummary(event.data);
  const longer = summary.length >= EVENT_SUMMARY_CHARS ? eventSummary(event.data, TITLE_CHARS) : undefined;
  return (
    <article class="event-line" data-event={event.event}>
      <span class="event-icon" aria-hidden="true">
        <Icon name="bolt" />
      </span>
      <p class="event-body">
        <span class="sr-only">{t.eventLabel}</span>
        <span class="event-name">{event.event}</span>
        {/* <bdi>: right-to-left overrides in the data cannot reorder the text around it. */}
        {summary && (
          <bdi class="event-data" title={longer}>
            {summary}
          </bdi>
        )}
      </p>
      <time class="event-time" dateTime={new Date(event.ts).toISOString()} title={formatDate(event.ts)}>
        {formatTime(event.ts)}
      </time>
    </article>
  );
}
