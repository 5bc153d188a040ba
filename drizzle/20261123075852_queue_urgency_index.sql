DROP INDEX "cases_next_due";--> statement-breakpoint
CREATE INDEX "cases_urgency" ON "cases" USING btree (coalesce("next_due_at", 'infinity'::timestamptz),"id") WHERE "cases"."deleted_at" is null;