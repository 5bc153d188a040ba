// A row of tabs that switch a list between views (Outbox / Inbox, Unread / All, mine / my
// organization's): one tab per view, the chosen one selected; arrow keys move between them.
import { Tabs } from './tabs.js';

export function ViewTabs<K extends string>(props: {
  /** What the views are of, for screen readers ("Mail views"). */
  label: string;
  views: readonly { key: K; label: string }[];
  active: K;
  onSelect(key: K): void;
  /** Each tab gets `data-testid="<prefix>-<key>"`. */
  testIdPrefix?: string;
}) {
  return (
    <Tabs
      label={props.label}
      tabs={props.views.map((v) => ({
        key: v.key,
        label: v.label,
        testId: props.testIdPrefix ? `${props.testIdPrefix}-${v.key}` : undefined,
      }))}
      active={props.active}
      onSelect={props.onSelect}
    />
  );
}
