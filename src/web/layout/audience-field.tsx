// "Who sees it" of records staff keep or share (queue views, reply templates): only me, every
// agent, or one team. Agents keep personal ones; admins share. A shared record stays shared (it
// may move between every agent and a team); a personal one stays personal.
import { SelectField } from '../admin/form-parts.js';
import type { Team } from '../lib/types.js';

export interface SharedRecord {
  shared: boolean;
  teamId: string | null;
  team: { id: string; name: string } | null;
}

/** 'me', 'all' (every agent) or a team's id. */
export type Audience = string;

export const audienceOf = (r: SharedRecord | undefined): Audience =>
  r ? (r.shared ? (r.teamId ?? 'all') : 'me') : 'me';

/** What the API takes for the audience chosen: a new record `shared` and `teamId`, a shared one its `teamId`. */
export function audienceBody(audience: Audience, record: SharedRecord | undefined, canShare: boolean) {
  const teamId = audience === 'me' || audience === 'all' ? null : audience;
  if (record) return record.shared && canShare ? { teamId } : {};
  return { shared: canShare && audience !== 'me', teamId: canShare ? teamId : null };
}

export function AudienceField(props: {
  id: string;
  /** The record changed; none: a new one. */
  record?: SharedRecord;
  canShare: boolean;
  teams: Team[];
  value: Audience;
  onChange(audience: Audience): void;
  /** "view", "template". */
  noun: string;
}) {
  const r = props.record;
  if (props.canShare && (!r || r.shared))
    return (
      <SelectField
        id={props.id}
        label="Who sees it"
        value={props.value}
        onChange={props.onChange}
        options={[
          ...(r ? [] : [{ value: 'me', label: 'Only me' }]),
          { value: 'all', label: 'Every agent' },
          ...props.teams.map((t) => ({ value: t.id, label: `The team ${t.name}` })),
          ...(r?.teamId && !props.teams.some((t) => t.id === r.teamId)
            ? [{ value: r.teamId, label: r.team?.name ?? 'A team' }]
            : []),
        ]}
        hint={r && `A shared ${props.noun} stays shared; it can go to every agent or one team.`}
      />
    );
  if (!r) return null;
  return <p className="field__hint">{audienceText(r, props.noun)}</p>;
}

/** "Shared with the team Returns.", "Shared with every agent.", "Only you see this view." */
export const audienceText = (r: SharedRecord, noun: string) =>
  r.shared
    ? r.team
      ? `Shared with the team ${r.team.name}.`
      : 'Shared with every agent.'
    : `Only you see this ${noun}.`;
