ALTER TABLE "signals" ADD COLUMN "resolved_by_event" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Signals the engine resolved before this column: their domain event says so (automatic).
UPDATE "signals" s SET "resolved_by_event" = true
WHERE s."state" = 'resolved' AND EXISTS (
  SELECT 1 FROM "domain_events" d
  WHERE d."entity_type" = 'signal' AND d."entity_id" = s."id" AND d."type" = 'signal.resolved'
    AND d."data"->>'automatic' = 'true'
);
