-- Lookups by ref (refs @> ...) scanned the GIN pending list, which PGlite (no autovacuum) never
-- merges: switch fastupdate off and merge what is pending. No rebuild needed.
ALTER INDEX "events_refs_gin" SET (fastupdate = off);--> statement-breakpoint
SELECT gin_clean_pending_list('events_refs_gin'::regclass);--> statement-breakpoint
CREATE INDEX "commitments_avoid_met" ON "commitments" USING btree ("closes_on","ref_value") WHERE "commitments"."mode" = 'avoid' and "commitments"."state" = 'met';
