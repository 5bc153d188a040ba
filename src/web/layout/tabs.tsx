// Tabs after the ARIA tabs pattern: the tab row is one Tab stop (the selected tab), ←/→ move to
// the previous or next tab and select it, Home and End to the first and last. A tab names the
// panel it controls only while that panel is on the page: with `idBase`, the selected tab
// controls the TabPanel rendered for it; without, no tab claims a panel (ViewTabs' lists).
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import './tabs.css';
import { rovingTarget } from '../a11y/roving.js';

export interface TabItem<K extends string> {
  key: K;
  label: ReactNode;
  testId?: string;
}

const tabId = (idBase: string, key: string) => `${idBase}-tab-${key}`;
const panelId = (idBase: string, key: string) => `${idBase}-panel-${key}`;

export function Tabs<K extends string>(props: {
  /** What the tabs are of, for screen readers ("Case", "Languages"). */
  label: string;
  tabs: readonly TabItem<NoInfer<K>>[];
  active: K;
  onSelect(key: NoInfer<K>): void;
  /** Ids for the tabs and their panels (see TabPanel). */
  idBase?: string;
  /** Shown in the row after the tabs, outside the tab list (e.g. "+ Add language"). */
  after?: ReactNode;
}) {
  const { tabs, active, idBase } = props;
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const from = buttons.current.findIndex((b) => b === e.target);
    const at = from >= 0 ? from : tabs.findIndex((t) => t.key === active);
    const to = rovingTarget(e, at, tabs.length, { homeEnd: true });
    if (to === undefined) return;
    e.preventDefault();
    const tab = tabs[to];
    if (!tab) return;
    buttons.current[to]?.focus();
    if (tab.key !== active) props.onSelect(tab.key);
  }

  const list = (
    <div
      className={props.after ? 'tabs__list' : 'tabs'}
      role="tablist"
      aria-label={props.label}
      onKeyDown={onKeyDown}
    >
      {tabs.map((t, i) => {
        const selected = t.key === active;
        return (
          <button
            key={t.key}
            ref={(el) => {
              buttons.current[i] = el;
            }}
            type="button"
            role="tab"
            id={idBase ? tabId(idBase, t.key) : undefined}
            aria-selected={selected}
            aria-controls={idBase && selected ? panelId(idBase, t.key) : undefined}
            tabIndex={selected ? 0 : -1}
            className={selected ? 'tab tab--active' : 'tab'}
            data-testid={t.testId}
            onClick={() => props.onSelect(t.key)}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
  if (!props.after) return list;
  return (
    <div className="tabs">
      {list}
      {props.after}
    </div>
  );
}

/** The panel of the selected tab (render one, for the selected tab only). */
export function TabPanel(props: { idBase: string; tab: string; children: ReactNode }) {
  return (
    <div
      role="tabpanel"
      id={panelId(props.idBase, props.tab)}
      aria-labelledby={tabId(props.idBase, props.tab)}
    >
      {props.children}
    </div>
  );
}
