// One case: header with its properties (editable in place), the conversation and the reply
// composer, or the timeline; on the side the promise clocks, the customer, tags, fields and
// linked cases. The case, its clocks and the conversation refresh on their own; other agents
// with the case open are shown (presence), and replying over a newer reply is caught (collision).
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { isStaff, useMe } from '../auth/auth-context.js';
import { api } from '../lib/api.js';
import { announceNotificationsRead, useUnreadCount } from '../notifications/unread-count.js';
import { FollowButton } from '../notifications/follow-button.js';
import { formatDateTime } from '../lib/format.js';
import type {
  AgentProfile,
  Case,
  Category,
  CustomFieldDefinition,
  Items,
  Message,
  Team,
} from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { FollowUpTimesProvider } from './follow-up-select.js';
import { CaseByNumber, isCaseNumber } from './case-by-number.js';
import { LIVE_POLL_MS, thisCase, useLive } from '../lib/live.js';
import { EditConflict } from '../layout/edit-conflict.js';
import { useInterval, useNow } from '../lib/use-interval.js';
import { useShortcuts } from '../lib/use-shortcuts.js';
import { ErrorNotice, Loading, NotFound } from '../layout/page-parts.js';
import { useDocumentTitle } from '../layout/use-document-title.js';
import { TabPanel, Tabs } from '../layout/tabs.js';
import { PriorityBadge, StatusBadge } from './case-badges.js';
import { channelLabel } from './case-labels.js';
import {
  CaseProperties,
  CustomFieldsPanel,
  SubjectEditor,
  TagEditor,
  CcEditor,
  teamMoveWords,
  useSaveCase,
} from './case-properties.js';
import type { FromQueueState } from './case-queue-page.js';
import { rememberCaseLeft } from './queue-return.js';
import { CaseTimeline } from './case-timeline.js';
import { Conversation } from './conversation.js';
import { CustomerPanel, useCustomerCases } from './customer-panel.js';
import { CaseLinkActions, LinkedCases, useCaseLinks } from './linked-cases.js';
import { SideConversations } from './side-conversations.js';
import { PresenceBanner, usePresence } from './presence.js';
import { PromisePanel, PromiseSummary } from './promise-panel.js';
import { CaseRatingPanel } from './case-rating.js';
import { LogCallButton } from './log-call-dialog.js';
import { CaseRemovalButtons } from './case-removal.js';
import {
  ReplyComposer,
  loadDraft,
  type Collision,
  type ComposerInsert,
  type ComposerMode,
} from './reply-composer.js';
import { KbSuggestionsPanel } from '../kb/kb-suggestions-panel.js';
import { CaseEvents } from '../signals/case-events.js';
import { CaseSignalsPanel } from '../signals/case-signals-panel.js';

/** The conversation refreshes this often (new customer messages, colleagues' replies). */
const MESSAGES_MS = 15_000;
/** The case and its clocks refresh this often. */
const CASE_MS = 30_000;
/** An agent counts as typing this long after their last keystroke. */
const TYPING_MS = 20_000;

/** Keyed by id, so moving to another case starts from a clean slate (no stale data or draft). */
export function CasePageRoute() {
  const { id = '' } = useParams();
  if (isCaseNumber(id))
    return (
      <CaseByNumber
        key={id}
        apiPath="/cases"
        pagePath="/cases"
        number={id}
        notFound={<NotFound what="Case" back={{ to: '/cases', label: 'Back to cases' }} />}
      />
    );
  return <CasePage key={id} id={id} />;
}

/** The case page's tabs: the events tab only on a case with references. */
type CaseTab = 'conversation' | 'timeline' | 'events';

function CasePage({ id }: { id: string }) {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const fromQueue = (location.state as FromQueueState | null)?.fromQueue;
  const back = fromQueue ?? { path: '/cases', label: 'Cases' };
  const now = useNow(15_000);
  useEffect(() => {
    if (fromQueue) rememberCaseLeft(id);
  }, [fromQueue, id]);

  const caseApi = useApi<Case>(`/cases/${id}`, undefined, { keepPrevious: true });
  const messages = useApi<Items<Message>>(`/cases/${id}/messages`, undefined, { keepPrevious: true });
  const agents = useApi<Items<AgentProfile>>('/agents');
  const teams = useApi<Items<Team>>('/teams');
  const categories = useApi<Items<Category>>('/categories');
  const fields = useApi<Items<CustomFieldDefinition>>('/case-fields');
  // A saved change answers with the new case: shown at once, until the next read replaces it.
  const [patched, setPatched] = useState<Case | null>(null);
  const c = patched && caseApi.data && patched.updatedAt >= caseApi.data.updatedAt ? patched : caseApi.data;
  const customerCases = useCustomerCases(c?.customerId);
  const links = useCaseLinks(id);

  const reloadCase = caseApi.reload;
  const reloadMessages = messages.reload;
  // Looking at the case is reading what you were told about it: on opening, and as messages come.
  // Only when the bell has counted some unread (it counts on arriving and on each change of screen).
  const messageCount = messages.data?.items.length;
  const anyUnread = (useUnreadCount() ?? 0) > 0;
  useEffect(() => {
    if (!isStaff(me) || !anyUnread) return;
    api.post<{ marked: number }>('/notifications/read', { caseId: id }).then(
      ({ marked }) => marked > 0 && announceNotificationsRead(),
      () => undefined, // only a convenience: the list still has them
    );
  }, [id, messageCount, me, anyUnread]);
  // What others do to the case shows at once over the live stream; without it, by polling.
  const reloadAll = useCallback(() => {
    reloadMessages();
    reloadCase();
  }, [reloadMessages, reloadCase]);
  const live = useLive(thisCase(id), reloadAll);
  useInterval(reloadMessages, live ? LIVE_POLL_MS : MESSAGES_MS);
  useInterval(reloadCase, live ? LIVE_POLL_MS : CASE_MS);

  const [tab, setTab] = useState<CaseTab>('conversation');
  const [mode, setMode] = useState<ComposerMode>(() => loadDraft(id)?.mode ?? 'reply');
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const [lastTypedAt, setLastTypedAt] = useState(0);
  const composing = now - lastTypedAt < TYPING_MS;
  const others = usePresence(id, composing);
  const [collision, setCollision] = useState<Collision | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [timelineNonce, setTimelineNonce] = useState(0);
  // The message just sent from the composer: the conversation focuses it once it is listed.
  const [sentId, setSentId] = useState<string>();
  const clearSentId = useCallback(() => setSentId(undefined), []);
  const [insert, setInsert] = useState<ComposerInsert | null>(null);

  const onTyping = useCallback(() => {
    // Re-render (and so re-announce "typing") only when the state flips, not on every keystroke.
    const t = Date.now();
    setLastTypedAt((prev) => (t - prev > TYPING_MS / 4 ? t : prev));
  }, []);

  const [teamMove, setTeamMove] = useState<string | null>(null);
  const { save, saving, conflict } = useSaveCase(
    id,
    c,
    (updated, patch) => {
      setError(null);
      // Seen, not only heard: a move to another team may have taken the case from its assignee.
      setTeamMove('teamId' in patch ? teamMoveWords(c, updated) : null);
      setPatched(updated);
      reloadCase();
      customerCases.reload();
      setTimelineNonce((n) => n + 1);
    },
    setError,
    // Said by its name, not its key ("Order change", not "order_change").
    (key) => categories.data?.items.find((cat) => cat.key === key)?.name ?? key,
    reloadCase,
  );

  const items = useMemo(() => messages.data?.items ?? [], [messages.data]);
  // Unknown (undefined) until this case's messages are on screen: a draft begun before then has
  // seen what they show when they come, not "nothing" (which would warn of every message on Send).
  const lastSeenMessageId =
    messages.data === undefined || messages.loading ? undefined : (items.at(-1)?.id ?? null);

  const focusComposer = (m: ComposerMode) => {
    setTab('conversation');
    setMode(m);
    // At once when the composer is on screen, so the very next keystroke lands in it; else
    // once the conversation tab has rendered it.
    const focus = () => {
      textareaRef.current?.focus();
      textareaRef.current?.scrollIntoView({ block: 'nearest' });
    };
    if (textareaRef.current) focus();
    else requestAnimationFrame(focus);
  };
  useShortcuts({
    r: () => focusComposer('reply'),
    n: () => focusComposer('note'),
    t: () => setTab((t) => (t === 'timeline' ? 'conversation' : 'timeline')),
    u: () => void navigate(back.path),
  });

  useDocumentTitle(c ? `#${c.number} ${c.subject}` : 'Case');

  if (caseApi.error && !c) {
    if (caseApi.error.status === 404 || caseApi.error.status === 400) {
      return <NotFound what="Case" back={{ to: '/cases', label: 'Back to cases' }} />;
    }
    return <ErrorNotice error={caseApi.error} onRetry={caseApi.reload} />;
  }
  if (!c) return <Loading label="Loading case…" />;

  const locked = c.status === 'closed' || c.mergedIntoId !== null;
  const composerDisabled = c.mergedIntoId
    ? 'This case was merged: write in the case it was merged into.'
    : c.status === 'closed'
      ? 'This case is closed. Open a follow-up case to write to the customer.'
      : undefined;

  const hasRefs = Object.keys(c.refs).length > 0;
  const caseTabs: [CaseTab, ReactNode][] = [
    [
      'conversation',
      <>
        Conversation <span className="tab__count">{items.length}</span>
      </>,
    ],
    ['timeline', 'Timeline'],
    ...(hasRefs ? [['events', 'Events'] as [CaseTab, ReactNode]] : []),
  ];

  return (
    <FollowUpTimesProvider caseId={c.id} agreementId={c.agreementId}>
      <div className="case-page" data-testid="case-page">
        <div className="case-header">
          <Link className="back-link" to={back.path}>
            ← {back.label}
          </Link>
          <div className="case-header__row">
            <SubjectEditor c={c} save={save} locked={locked} />
            <div className="case-header__badges">
              <StatusBadge status={c.status} />
              <PriorityBadge priority={c.priority} />
              <FollowButton caseId={c.id} />
              <LogCallButton
                caseId={c.id}
                disabled={locked}
                onLogged={() => {
                  reloadMessages();
                  reloadCase();
                  setTimelineNonce((n) => n + 1);
                }}
              />
              <CaseLinkActions
                c={c}
                links={links}
                suggestions={customerCases.data?.items.filter((o) => o.id !== c.id) ?? []}
                onChanged={() => {
                  reloadCase();
                  setTimelineNonce((n) => n + 1);
                }}
              />
              <CaseRemovalButtons c={c} backPath={back.path} onError={setError} />
            </div>
          </div>
          <p className="case-header__sub muted">
            {c.customer.name}
            {c.organization && ` · ${c.organization.name}`} · via {channelLabel(c.channel)} · opened{' '}
            {formatDateTime(c.createdAt)}
            {c.reopenCount > 0 && ` · reopened ${c.reopenCount}×`}
          </p>
          <PromiseSummary c={c} now={now} />
          {c.mergedIntoId && (
            <p className="notice notice--info" role="status">
              This case was merged.{' '}
              <Link to={`/cases/${c.mergedIntoId}`}>Go to the case it was merged into</Link>
            </p>
          )}
          {!c.customerVisible && (
            <p className="notice notice--info" role="status" data-testid="case-internal">
              {c.customer.name} does not see this case yet: a proactive case is internal until its first
              public message. Your first public reply shows it in their portal.
            </p>
          )}
          <CaseProperties
            c={c}
            agents={agents.data?.items ?? []}
            teams={teams.data?.items ?? []}
            categories={categories.data?.items ?? []}
            save={save}
            saving={saving}
            locked={locked}
          />
          {teamMove && (
            <p className="notice notice--info" data-testid="case-team-move">
              <span>{teamMove}</span>
              <button type="button" className="button button--small" onClick={() => setTeamMove(null)}>
                Dismiss
              </button>
            </p>
          )}
          {error && (
            <p className="notice notice--error" role="alert" data-testid="case-error">
              <span>{error}</span>
              <button type="button" className="button button--small" onClick={() => setError(null)}>
                Dismiss
              </button>
            </p>
          )}
          {conflict && (
            <EditConflict
              noun="case"
              onLoad={conflict.loadTheirs}
              onOverwrite={() => void conflict.saveMine()}
              saving={saving !== null}
            />
          )}
          <PresenceBanner others={others} />
        </div>

        <div className="case-layout">
          <div className="case-main">
            <Tabs
              label="Case"
              idBase="case"
              tabs={caseTabs.map(([key, label]) => ({ key, label }))}
              active={tab}
              onSelect={setTab}
            />
            {tab === 'conversation' ? (
              <TabPanel idBase="case" tab="conversation">
                {messages.error && <ErrorNotice error={messages.error} onRetry={messages.reload} />}
                {!messages.data && !messages.error && <Loading label="Loading conversation…" />}
                {messages.data && (
                  <Conversation
                    messages={items}
                    highlightId={collision?.messageId}
                    meId={me.id}
                    customerView={me.role === 'customer'}
                    focusId={sentId}
                    onFocused={clearSentId}
                  />
                )}
                {c.customer.deletedAt && !composerDisabled && (
                  <p className="notice notice--warning" data-testid="customer-deleted-warning">
                    {`${c.customer.name} was deleted as a customer: a public reply is kept on the case but e-mailed to no one. An internal note still reaches your colleagues.`}
                  </p>
                )}
                <ReplyComposer
                  caseId={c.id}
                  caseStatus={c.status}
                  replyFacts={{
                    case: { number: c.number, subject: c.subject },
                    customer: { name: c.customer.name, email: c.customer.email },
                    organization: c.organization ? { name: c.organization.name } : null,
                    agent: { name: me.name },
                  }}
                  recipients={
                    c.customer.deletedAt
                      ? 'Not e-mailed: the customer was deleted.'
                      : c.customer.email
                        ? `By e-mail to ${c.customer.email}${c.cc.length ? `, copied to ${c.cc.join(', ')}` : ''}${me.signature ? ', with your signature under it' : ''}`
                        : 'The customer has no e-mail address: they read replies in the portal.'
                  }
                  signature={c.customer.email && !c.customer.deletedAt ? me.signature : null}
                  lastSeenMessageId={lastSeenMessageId}
                  mode={mode}
                  onModeChange={(m, focusBody) => (focusBody ? focusComposer(m) : setMode(m))}
                  textareaRef={textareaRef}
                  onTyping={onTyping}
                  disabled={composerDisabled}
                  insert={insert}
                  onSent={(message) => {
                    // The focus goes to the message sent, once it is listed (the text box is empty).
                    setSentId(message.id);
                    setCollision(null);
                    setLastTypedAt(0);
                    reloadMessages();
                    reloadCase();
                    setTimelineNonce((n) => n + 1);
                  }}
                  onCollision={(col) => {
                    setCollision(col);
                    reloadMessages();
                    // Bring the reply the agent missed into view once it is loaded.
                    setTimeout(() => {
                      if (col.messageId)
                        document
                          .getElementById(`message-${col.messageId}`)
                          ?.scrollIntoView({ block: 'center' });
                    }, 400);
                  }}
                />
              </TabPanel>
            ) : tab === 'events' && hasRefs ? (
              <TabPanel idBase="case" tab="events">
                <CaseEvents refs={c.refs} />
              </TabPanel>
            ) : (
              <TabPanel idBase="case" tab="timeline">
                <CaseTimeline key={timelineNonce} caseId={c.id} />
              </TabPanel>
            )}
          </div>

          <aside className="case-side" aria-label="Case details">
            <PromisePanel c={c} now={now} />
            <CaseSignalsPanel c={c} />
            <CaseRatingPanel caseId={c.id} status={c.status} />
            <CustomerPanel c={c} others={customerCases} />
            <TagEditor c={c} save={save} locked={locked} />
            <CcEditor c={c} save={save} locked={locked} />
            <SideConversations c={c} refreshKey={messageCount} onChanged={reloadAll} />
            {fields.data && (
              <CustomFieldsPanel
                key={c.updatedAt}
                c={c}
                definitions={fields.data.items}
                save={save}
                locked={locked}
              />
            )}
            <KbSuggestionsPanel
              caseId={c.id}
              basis={`${c.subject}\n${items.findLast((m) => m.authorType === 'customer')?.id ?? ''}`}
              onInsert={
                composerDisabled
                  ? undefined
                  : (text) => {
                      setInsert({ text });
                      focusComposer('reply');
                    }
              }
            />
            <LinkedCases
              c={c}
              links={links}
              onChanged={() => {
                reloadCase();
                setTimelineNonce((n) => n + 1);
              }}
            />
          </aside>
        </div>
      </div>
    </FollowUpTimesProvider>
  );
}
