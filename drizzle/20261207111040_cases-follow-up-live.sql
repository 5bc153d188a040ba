DROP INDEX "cases_follow_up";--> statement-breakpoint
CREATE INDEX "cases_follow_up" ON "cases" USING btree ("follow_up_at") WHERE "cases"."follow_up_at" is not null and "cases"."deleted_at" is null;--> statement-breakpoint
-- A waiting case deleted before this kept its follow-up only on its latest `case.deleted` event: back on the row, for its restore.
UPDATE "cases" c SET "follow_up_at" = (
  SELECT (d."data"->>'followUpAt')::timestamptz FROM "domain_events" d
  WHERE d."entity_type" = 'case' AND d."entity_id" = c."id" AND d."type" = 'case.deleted'
  ORDER BY d."occurred_at" DESC, d."id" DESC LIMIT 1
)
WHERE c."deleted_at" IS NOT NULL AND c."merged_into_id" IS NULL AND c."follow_up_at" IS NULL
  AND c."status" IN ('pending', 'on_hold');
