ALTER TABLE "events" ADD COLUMN "warnings" jsonb;--> statement-breakpoint
CREATE INDEX "events_warned" ON "events" USING btree ("source_id","id") WHERE warnings is not null;