// A table is named for screen readers by the heading of the section it is in ("Users",
// "Deliveries"), so a reader listing the page's tables hears what each holds. Done from the
// DOM once the table is on the page: the nearest section's (or the page's) first heading gets
// an id if it has none and the table points at it, unless the table has its own label.
import { useEffect, type RefObject } from 'react';

let next = 0;

export function useNameFromHeading(table: RefObject<HTMLTableElement | null>): void {
  useEffect(() => {
    const el = table.current;
    if (!el || el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby')) return;
    const scope = el.closest('section, article, dialog, main');
    const heading = scope?.querySelector<HTMLElement>('h1, h2, h3');
    if (!heading) return;
    if (!heading.id) heading.id = `table-heading-${++next}`;
    el.setAttribute('aria-labelledby', heading.id);
  }, [table]);
}
