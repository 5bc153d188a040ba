// Use cases on signal rules: write them (admins), read them (staff), switch them on and off, and
// try them against past events (dry run). Every saved change of the definition is a new version;
// switching a rule off or deleting it ends its running absence waits in the same transaction.
import type { Database } from '../../../db/client.js';
import type { DryRunAnswer, Rule, RuleDefinition } from '../../../shared/schemas/rules.js';
import type { Actor } from '../../lib/actor.js';
import { notFound, unprocessable, type ErrorDetail } from '../../lib/errors.js';
import { periodOf } from '../commitments/commitments.service.js';
import { recordDomainEvent } from '../domain-events/domain-events.repo.js';
import { dryRun } from './dry-run.js';
import * as repo from './rules.repo.js';
import { assertCanManageRules, assertCanReadProactive } from './signals.policy.js';
import { assertUnchangedSince } from '../../lib/edit-version.js';
import { eq } from 'drizzle-orm';
import { signalRules } from './signals.table.js';
import { assertNameFree, nameTakenMeanwhile, RULE_NAMES } from '../../lib/unique-names.js';

const ENTITY = 'signal_rule';
const DRY_RUN_DEFAULT_MS = 30 * 24 * 3600 * 1000;

export function toRuleDto(row: repo.RuleRow): Rule {
  return {
    id: row.id,
    version: row.version,
    definition: row.definition,
    name: row.name,
    kind: row.kind,
    severity: row.severity,
    enabled: row.enabled,
    openSignals: row.openSignals,
    last30Days: row.last30Days,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

// ---- reading -------------------------------------------------------------------------------

export async function listRules(
  db: Database,
  actor: Actor,
  q: { kind?: RuleDefinition['kind']; enabled?: 'true' | 'false'; limit: number; cursor?: string },
) {
  assertCanReadProactive(actor);
  const page = await repo.listRules(db, {
    kind: q.kind,
    enabled: q.enabled === undefined ? undefined : q.enabled === 'true',
    limit: q.limit,
    cursor: q.cursor,
  });
  return { items: page.items.map(toRuleDto), nextCursor: page.nextCursor };
}

async function ruleOrThrow(db: Database, id: string, opts: { forUpdate?: boolean } = {}) {
  const row = await repo.findRule(db, id, opts);
  if (!row) throw notFound('rule');
  return row;
}

export async function getRule(db: Database, actor: Actor, id: string): Promise<Rule> {
  assertCanReadProactive(actor);
  return toRuleDto(await ruleOrThrow(db, id));
}

export async function listRuleVersions(db: Database, actor: Actor, id: string) {
  assertCanReadProactive(actor);
  await ruleOrThrow(db, id);
  const versions = await repo.listRuleVersions(db, id);
  return {
    items: versions.map((v) => ({
      version: v.version,
      definition: v.definition,
      createdAt: v.createdAt.toISOString(),
      createdBy: v.createdBy,
      createdByName: v.createdByName,
    })),
  };
}

// ---- checks the schema cannot make ---------------------------------------------------------

interface Issue extends ErrorDetail {
  code: string;
}

function refuse(issues: Issue[]) {
  const [first] = issues;
  if (!first) return;
  throw unprocessable(
    first.code,
    `${first.path}: ${first.message}`,
    issues.map(({ path, message }) => ({ path, message })),
  );
}

/** The segments and agreements a rule's scope names must exist. */
async function scopeIssues(db: Database, rule: RuleDefinition, at: string): Promise<Issue[]> {
  const issues: Issue[] = [];
  const segments = rule.scope?.segments ?? [];
  const agreementIds = rule.scope?.agreements ?? [];
  const [knownSegments, knownAgreements] = [
    await repo.existingSegmentKeys(db, segments),
    await repo.existingAgreementIds(db, agreementIds),
  ];
  segments.forEach((key, i) => {
    if (!knownSegments.has(key))
      issues.push({
        code: 'invalid_reference',
        path: `${at}.scope.segments.${i}`,
        message: `no segment "${key}"`,
      });
  });
  agreementIds.forEach((id, i) => {
    if (!knownAgreements.has(id))
      issues.push({
        code: 'invalid_reference',
        path: `${at}.scope.agreements.${i}`,
        message: 'no such agreement',
      });
  });
  return issues;
}

/**
 * What the schema cannot know: the teams, categories, segments and agreements a rule names exist;
 * playbooks and incidents are not there yet; a customer can only be told, and a case escalated,
 * once an earlier action has opened the case.
 */
export async function checkRule(db: Database, rule: RuleDefinition, at = 'body') {
  const issues: Issue[] = [];
  let caseOpened = false;
  const teamIds: { id: string; path: string }[] = [];
  const categoryKeys: { key: string; path: string }[] = [];
  rule.actions.forEach((action, i) => {
    const path = `${at}.actions.${i}`;
    switch (action.kind) {
      case 'open_case':
        caseOpened = true;
        categoryKeys.push({ key: action.category, path: `${path}.category` });
        if (action.teamId) teamIds.push({ id: action.teamId, path: `${path}.teamId` });
        break;
      case 'notify_team':
        teamIds.push({ id: action.teamId, path: `${path}.teamId` });
        break;
      case 'escalate':
        if (action.teamId) teamIds.push({ id: action.teamId, path: `${path}.teamId` });
        if (!caseOpened)
          issues.push({
            code: 'action_needs_case',
            path,
            message: 'escalate needs an open_case action before it',
          });
        break;
      case 'notify_customer':
        if (!caseOpened)
          issues.push({
            code: 'action_needs_case',
            path,
            message: 'notify_customer sends on the proactive case: put an open_case action before it',
          });
        break;
      case 'start_playbook':
      case 'attach_to_incident':
        issues.push({
          code: 'action_unavailable',
          path,
          message: 'playbooks/incidents arrive in a later release',
        });
        break;
    }
  });
  const knownTeams = await repo.existingTeamIds(db, [...new Set(teamIds.map((t) => t.id))]);
  for (const t of teamIds)
    if (!knownTeams.has(t.id))
      issues.push({ code: 'invalid_reference', path: t.path, message: 'no such team' });
  const knownCategories = await repo.activeCategoryKeys(db, [...new Set(categoryKeys.map((c) => c.key))]);
  for (const c of categoryKeys)
    if (!knownCategories.has(c.key))
      issues.push({ code: 'invalid_reference', path: c.path, message: `no active category "${c.key}"` });
  issues.push(...(await scopeIssues(db, rule, at)));
  refuse(issues);
}

// ---- writing -------------------------------------------------------------------------------

/** JSON with sorted keys, so two definitions compare equal whatever order jsonb kept. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const sameDefinition = (a: RuleDefinition, b: RuleDefinition) =>
  canonical({ ...a, enabled: undefined }) === canonical({ ...b, enabled: undefined });

export async function createRule(db: Database, actor: Actor, definition: RuleDefinition): Promise<Rule> {
  assertCanManageRules(actor);
  const id = await db
    .transaction(async (tx) => {
      await assertNameFree(tx, RULE_NAMES, definition.name);
      await checkRule(tx, definition);
      const ruleId = await repo.insertRule(tx, { definition, createdBy: actor.userId });
      await recordDomainEvent(tx, actor, {
        type: 'rule.created',
        entityType: ENTITY,
        entityId: ruleId,
        data: { version: 1, definition },
      });
      return ruleId;
    })
    .catch((err: unknown) => {
      throw nameTakenMeanwhile(err, RULE_NAMES, definition.name);
    });
  return toRuleDto((await repo.findRule(db, id))!);
}

/**
 * Replaces the definition (PUT). A changed definition is a new version; `enabled` alone is not
 * (it switches the rule like PATCH). Waits an absence rule has started keep their own times.
 */
export async function replaceRule(
  db: Database,
  actor: Actor,
  id: string,
  definition: RuleDefinition,
  /** The `updatedAt` of the copy edited (If-Match): refused if it changed since. */
  expected?: string,
): Promise<Rule> {
  assertCanManageRules(actor);
  await db
    .transaction(async (tx) => {
      await assertUnchangedSince(tx, signalRules, eq(signalRules.id, id), expected, 'rule');
      const before = await ruleOrThrow(tx, id, { forUpdate: true });
      if (definition.kind !== before.kind) {
        const message = `a ${before.kind} rule stays one: create a new rule for a ${definition.kind} rule`;
        throw unprocessable('rule_kind_fixed', `body.kind: ${message}`, [{ path: 'body.kind', message }]);
      }
      const changed = !sameDefinition(before.definition, definition);
      if (!changed && definition.enabled === before.enabled) return;
      if (changed) {
        if (definition.name.trim().toLowerCase() !== before.definition.name.trim().toLowerCase())
          await assertNameFree(tx, RULE_NAMES, definition.name, id);
        await checkRule(tx, definition);
        const version = before.version + 1;
        await repo.updateRuleRow(tx, id, { definition, version });
        await repo.insertRuleVersion(tx, { ruleId: id, version, definition, createdBy: actor.userId });
        await recordDomainEvent(tx, actor, {
          type: 'rule.updated',
          entityType: ENTITY,
          entityId: id,
          data: { version, definition },
        });
      } else {
        await repo.updateRuleRow(tx, id, {
          definition: { ...before.definition, enabled: definition.enabled },
          version: before.version,
        });
      }
      if (definition.enabled !== before.enabled) await recordSwitch(tx, actor, id, definition.enabled);
    })
    .catch((err: unknown) => {
      throw nameTakenMeanwhile(err, RULE_NAMES, definition.name);
    });
  return toRuleDto((await repo.findRule(db, id))!);
}

/** The domain event of switching a rule; switching off ends its running absence waits. */
async function recordSwitch(tx: Database, actor: Actor, id: string, enabled: boolean) {
  const cancelledWaits = enabled ? 0 : await repo.cancelWaitingExpectations(tx, id);
  await recordDomainEvent(tx, actor, {
    type: enabled ? 'rule.enabled' : 'rule.disabled',
    entityType: ENTITY,
    entityId: id,
    data: enabled ? {} : { cancelledWaits },
  });
}

export async function setRuleEnabled(
  db: Database,
  actor: Actor,
  id: string,
  enabled: boolean,
  /** The `updatedAt` of the copy switched (If-Match): refused if it changed since. */
  expected?: string,
): Promise<Rule> {
  assertCanManageRules(actor);
  await db.transaction(async (tx) => {
    await assertUnchangedSince(tx, signalRules, eq(signalRules.id, id), expected, 'rule');
    const before = await ruleOrThrow(tx, id, { forUpdate: true });
    if (before.enabled === enabled) return;
    await repo.updateRuleRow(tx, id, {
      definition: { ...before.definition, enabled },
      version: before.version,
    });
    await recordSwitch(tx, actor, id, enabled);
  });
  return toRuleDto((await repo.findRule(db, id))!);
}

/** Soft delete: the rule stops; its signals (live or not) and versions stay. */
export async function deleteRule(db: Database, actor: Actor, id: string) {
  assertCanManageRules(actor);
  await db.transaction(async (tx) => {
    await ruleOrThrow(tx, id, { forUpdate: true });
    await repo.softDeleteRule(tx, id);
    const cancelledWaits = await repo.cancelWaitingExpectations(tx, id);
    await recordDomainEvent(tx, actor, {
      type: 'rule.deleted',
      entityType: ENTITY,
      entityId: id,
      data: { cancelledWaits },
    });
  });
}

// ---- dry run -------------------------------------------------------------------------------

/**
 * What a rule would have done over past events. Only the scope is checked against the database
 * here: actions do not run in a dry run, so an unfinished action list does not stop one.
 */
async function tryRule(db: Database, definition: RuleDefinition, body: { from?: string; to?: string }) {
  const { from, to } = periodOf(body, DRY_RUN_DEFAULT_MS, 'body');
  refuse(await scopeIssues(db, definition, 'body.definition'));
  return dryRun(db, { definition, from, to });
}

export async function dryRunDefinition(
  db: Database,
  actor: Actor,
  body: { definition: RuleDefinition; from?: string; to?: string },
): Promise<DryRunAnswer> {
  assertCanManageRules(actor);
  return tryRule(db, body.definition, body);
}

export async function dryRunStoredRule(
  db: Database,
  actor: Actor,
  id: string,
  body: { definition?: RuleDefinition; from?: string; to?: string },
): Promise<DryRunAnswer> {
  assertCanManageRules(actor);
  const rule = await ruleOrThrow(db, id);
  return tryRule(db, body.definition ?? rule.definition, body);
}
