ALTER TABLE "event_sources" ADD COLUMN "last_event_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "warnings" jsonb;--> statement-breakpoint
CREATE INDEX "events_warned" ON "events" USING btree ("source_id","id") WHERE warnings is not null;