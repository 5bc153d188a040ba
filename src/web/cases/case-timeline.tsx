// The audit trail of a case: every change, message and promise event, who did it and when.
import { useMe } from '../auth/auth-context.js';
import { formatDateTime, formatDue, formatMinutes, formatNumber } from '../lib/format.js';
import type { AgentProfile, Category, Items, Team, TimelineEntry } from '../lib/types.js';
import { useApi } from '../lib/use-api.js';
import { ErrorNotice, Loading } from '../layout/page-parts.js';
import { channelLabel, priorityLabel, promiseKindLabel, statusLabel } from './case-labels.js';

type Changes = Record<string, { from: unknown; to: unknown }>;

export interface Names {
  agent(id: unknown): string;
  team(id: unknown): string;
  category(key: unknown): string;
}

const FIELD_LABELS: Record<string, string> = {
  subject: 'subject',
  status: 'status',
  priority: 'priority',
  category: 'category',
  assigneeId: 'assignee',
  teamId: 'team',
  tags: 'tags',
  customerId: 'customer',
  organizationId: 'organization',
  customFields: 'fields',
  requiredSkills: 'required skills',
  agreementId: 'agreement',
  followUpAt: 'follow-up',
  cc: 'CC',
};

function showValue(field: string, value: unknown, names: Names): string {
  if (value === null || value === undefined || value === '') return 'none';
  if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
  switch (field) {
    case 'status':
      return statusLabel(String(value));
    case 'priority':
      return priorityLabel(String(value));
    case 'assigneeId':
      return names.agent(value);
    case 'teamId':
      return names.team(value);
    case 'category':
      return names.category(value);
    case 'followUpAt':
      return formatDateTime(String(value));
    default:
      return typeof value === 'object' ? JSON.stringify(value) : `“${String(value)}”`;
  }
}

function kindOf(data: Record<string, unknown>) {
  const kind = promiseKindLabel(String(data.kind ?? 'promise'));
  const cycle = Number(data.cycle ?? 1);
  return cycle > 1 ? `${kind} (cycle ${cycle})` : kind;
}

export function describeEntry(e: TimelineEntry, names: Names): string[] {
  const d = e.data;
  switch (e.type) {
    case 'case.created': {
      const via = d.channel ? ` via ${channelLabel(String(d.channel))}` : '';
      return [`Opened the case${via}, priority ${priorityLabel(String(d.priority ?? 'normal'))}`];
    }
    case 'case.updated': {
      const changes = (d.changes ?? {}) as Changes;
      const lines = Object.entries(changes).map(([field, { from, to }]) =>
        field === 'customFields' ||
        field === 'agreementId' ||
        field === 'customerId' ||
        field === 'organizationId'
          ? `Changed the ${FIELD_LABELS[field] ?? field}`
          : `Changed ${FIELD_LABELS[field] ?? field} from ${showValue(field, from, names)} to ${showValue(field, to, names)}`,
      );
      if (d.reason === 'follow_up') lines.push('(its follow-up time came)');
      if (d.reason === 'mail_cc') lines.push('(the e-mail’s other recipients)');
      if (d.reason === 'side_conversation') lines.push('(waiting for a side conversation’s answer)');
      if (d.reason === 'side_reply') lines.push('(the side conversation was answered)');
      if (d.reason === 'auto_close') lines.push('(solved long enough: closed by Steward)');
      if (d.reason === 'assignee_away') lines.push('(the assignee went away)');
      if (d.reason === 'customer_merged') lines.push('(a duplicate customer was merged into another)');
      if (d.reason === 'organization_merged') {
        lines.push('(a duplicate organization was merged into another)');
      }
      return lines.length ? lines : ['Updated the case'];
    }
    case 'case.replied':
      return [`Replied to the customer${Number(d.attachments) > 0 ? ' with files' : ''}`];
    case 'case.note_added':
      return ['Added an internal note'];
    case 'case.customer_message':
      return ['The customer wrote'];
    case 'case.side_conversation_started':
      return [`Started a side conversation with ${((d.to as string[] | undefined) ?? []).join(', ')}`];
    case 'case.side_message_sent':
      return ['Wrote in a side conversation'];
    case 'case.side_reply':
      return [`${String(d.from ?? 'A third party')} answered in a side conversation`];
    case 'case.side_conversation_updated': {
      const to = (d.changes as Changes | undefined)?.state?.to;
      return [to === 'closed' ? 'Closed a side conversation' : 'Opened a side conversation again'];
    }
    case 'case.attachment_uploaded':
      return [`Uploaded ${String(d.filename ?? 'a file')}`];
    case 'case.attachments_added': {
      const n = Array.isArray(d.attachments) ? d.attachments.length : 0;
      return [`Sent ${n === 1 ? 'a file' : `${n} files`} with the request`];
    }
    case 'case.web_form_received':
      return [
        `The web form brought this request${d.newCustomer ? ' from a new customer' : ''}${
          d.joined ? ' (added to a case already open)' : ''
        }`,
      ];
    case 'case.contact_joined':
      return [
        `The customer wrote in${d.channel ? ` by ${channelLabel(String(d.channel)).toLowerCase()}` : ''}; it joined this case${
          d.subject ? `: “${String(d.subject)}”` : ''
        }`,
      ];
    case 'case.conversation_logged':
      return [
        `Logged a ${d.channel ? `${channelLabel(String(d.channel)).toLowerCase()} ` : ''}conversation (${formatNumber(
          Number(d.messages ?? 0),
        )} ${Number(d.messages) === 1 ? 'message' : 'messages'})`,
      ];
    case 'case.imported':
      return [
        `Imported with ${formatNumber(Number(d.messages ?? 0))} ${Number(d.messages) === 1 ? 'message' : 'messages'}`,
      ];
    case 'case.rated':
      return [`Rated ${String(d.rating)} of 5${d.comment ? `: “${String(d.comment)}”` : ''}`];
    case 'case.rating_changed': {
      const to = (d.changes as Changes | undefined)?.rating?.to;
      return [to === undefined ? 'Changed the rating’s comment' : `Changed the rating to ${String(to)} of 5`];
    }
    case 'case.deleted':
      return ['Deleted the case'];
    case 'case.restored':
      return ['Restored the case'];
    case 'case.promise_started':
      return [
        `${kindOf(d)} clock started: ${formatMinutes(Number(d.targetMinutes ?? 0))}${
          d.dueAt ? `, due ${formatDue(String(d.dueAt))}` : ''
        }`,
      ];
    case 'case.promise_met':
      return [`${kindOf(d)} promise met${d.late ? ' (late)' : ''}`];
    case 'case.promise_paused':
      return [`${kindOf(d)} clock paused`];
    case 'case.promise_resumed':
      return [`${kindOf(d)} clock resumed${d.dueAt ? `: due ${formatDue(String(d.dueAt))}` : ''}`];
    case 'case.promise_warning':
      return [`${kindOf(d)} promise at risk`];
    case 'case.promise_breached':
      return [`${kindOf(d)} promise breached`];
    case 'case.promise_reopened':
      return [`${kindOf(d)} clock reopened`];
    case 'case.promise_rescheduled':
      return [
        `${kindOf(d)} target changed from ${formatMinutes(Number(d.fromMinutes ?? 0))} to ${formatMinutes(
          Number(d.targetMinutes ?? 0),
        )}`,
      ];
    case 'case.promise_cancelled':
      return [`${kindOf(d)} clock cancelled`];
    case 'case.linked':
      return ['Linked another case'];
    case 'case.unlinked':
      return ['Removed a link to another case'];
    case 'case.merged':
      return [`Merged into case #${String(d.intoNumber ?? '?')}`];
    case 'case.merged_in':
      return [`Case #${String(d.fromNumber ?? '?')} was merged into this one`];
    default: {
      // A type this page has no words for yet still reads as words: "case.foo_bar" → "Foo bar".
      const what = e.type.replace(/^[a-z_]+\./, '').replace(/_/g, ' ');
      return [what.charAt(0).toUpperCase() + what.slice(1)];
    }
  }
}

export function CaseTimeline({ caseId }: { caseId: string }) {
  const me = useMe();
  const timeline = useApi<Items<TimelineEntry>>(`/cases/${caseId}/timeline`);
  const agents = useApi<Items<AgentProfile>>('/agents');
  const teams = useApi<Items<Team>>('/teams');
  const categories = useApi<Items<Category>>('/categories');
  const names: Names = {
    agent: (id) =>
      id === me.id ? 'you' : (agents.data?.items.find((a) => a.userId === id)?.name ?? 'another agent'),
    team: (id) => teams.data?.items.find((t) => t.id === id)?.name ?? 'a team',
    category: (key) => categories.data?.items.find((c) => c.key === key)?.name ?? String(key),
  };

  if (timeline.error) return <ErrorNotice error={timeline.error} onRetry={timeline.reload} />;
  if (!timeline.data) return <Loading label="Loading timeline…" />;
  const entries = [...timeline.data.items].reverse();
  return (
    <ol className="timeline" data-testid="case-timeline">
      {entries.map((e) => (
        <li
          key={e.id}
          className={`timeline__item timeline__item--${e.type.replace(/\W/g, '-')}`}
          data-type={e.type}
        >
          <div className="timeline__meta">
            <span className="timeline__who">
              {e.actorKind === 'system'
                ? 'Steward'
                : e.actorId === me.id
                  ? 'You'
                  : (e.actorName ?? 'Someone')}
            </span>
            <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time>
          </div>
          {describeEntry(e, names).map((line, i) => (
            <p key={i} className="timeline__text">
              {line}
            </p>
          ))}
        </li>
      ))}
    </ol>
  );
}
