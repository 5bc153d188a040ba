// A row of tabs that switch a list between views (Outbox / Inbox, Unread / All, mine / my
// organization's): one button per view, the chosen one selected.
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
    <div className="tabs" role="tablist" aria-label={props.label}>
      {props.views.map((v) => (
        <button
          key={v.key}
          type="button"
          role="tab"
          aria-selected={props.active === v.key}
          className={props.active === v.key ? 'tab tab--active' : 'tab'}
          data-testid={props.testIdPrefix ? `${props.testIdPrefix}-${v.key}` : undefined}
          onClick={() => props.onSelect(v.key)}
        >
          {v.label}
        </button>
      ))}
    </div>
  );
}
