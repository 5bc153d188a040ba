// Who hears what on the live stream: from the changes of one window (the domain events and
// notifications of the transactions that ended since the last look), the news of one viewer.
// Staff hear of every case, signal and commitment, and of their own notifications. A customer
// hears only of changes they could see in the portal: their cases (their organization's, when
// allowed), once the case shows to them, and not its internal notes, promises or links.
// Pure: the hub reads the window, this decides, the hub sends.
import { LIVE_CASES_MAX, type LiveNews } from '../shared/schemas/live.js';

/** One changed thing of the window. */
export interface WindowChange {
  entityType: string;
  entityId: string;
  /** Whether any of its changes is one the customer side may hear of (see CUSTOMER_CASE_EVENTS). */
  public: boolean;
  /** For a case: its customer, organization and whether the customer side sees it at all. */
  customerId: string | null;
  organizationId: string | null;
  customerVisible: boolean;
}

export interface LiveWindow {
  changes: WindowChange[];
  /** Staff with new notifications. */
  notified: ReadonlySet<string>;
  /** More changed than was read: everyone reads everything again. */
  overflow: boolean;
}

export interface Viewer {
  /** Agents and admins. */
  staff: boolean;
  userId: string;
  /** Whether the viewer may read this case at all (policies/cases.ts `canReadCase`). */
  mayRead: (c: { customerId: string; organizationId: string | null; customerVisible: boolean }) => boolean;
}

/** The case events a customer hears of (the others are internal: notes, promises, links). */
export const CUSTOMER_CASE_EVENTS = [
  'case.created',
  'case.updated',
  'case.replied',
  'case.customer_message',
  'case.web_form_received',
  'case.attachments_added',
  'case.merged',
  'case.merged_in',
  'case.rated',
  'case.rating_changed',
];

const NOTHING: LiveNews = {
  cases: [],
  allCases: false,
  signals: false,
  commitments: false,
  sources: false,
  notifications: false,
};

/** The viewer's news of this window, or null when there is none for them. */
export function newsFor(viewer: Viewer, window: LiveWindow): LiveNews | null {
  const { staff } = viewer;
  if (window.overflow)
    return {
      cases: [],
      allCases: true,
      signals: staff,
      commitments: staff,
      sources: staff,
      notifications: staff,
    };
  const news: LiveNews = { ...NOTHING, cases: [] };
  for (const c of window.changes) {
    if (c.entityType === 'case') {
      if (staff || (c.public && c.customerId !== null && viewer.mayRead({ ...c, customerId: c.customerId })))
        news.cases.push(c.entityId);
    } else if (staff && c.entityType === 'signal') news.signals = true;
    else if (staff && c.entityType === 'commitment') news.commitments = true;
    else if (staff && c.entityType === 'event_source') news.sources = true;
  }
  if (staff) news.notifications = window.notified.has(viewer.userId);
  if (news.cases.length > LIVE_CASES_MAX) {
    news.cases = [];
    news.allCases = true;
  }
  const any =
    news.cases.length > 0 ||
    news.allCases ||
    news.signals ||
    news.commitments ||
    news.sources ||
    news.notifications;
  return any ? news : null;
}
