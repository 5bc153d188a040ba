ALTER TABLE "event_sources" ADD COLUMN "resumed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "event_sources" ADD COLUMN "event_types" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "signal_actions" ADD COLUMN "held_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "signal_actions" ADD COLUMN "held_reason" text;--> statement-breakpoint
-- The types each source has sent so far (one pass over the events, once).
UPDATE "event_sources" s SET "event_types" = t.types
FROM (SELECT "source_id", (array_agg(DISTINCT "type" ORDER BY "type"))[1:200] AS types FROM "events" GROUP BY "source_id") t
WHERE t."source_id" = s."id";
