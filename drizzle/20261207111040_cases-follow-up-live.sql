DROP INDEX "cases_follow_up";--> statement-breakpoint
CREATE INDEX "cases_follow_up" ON "cases" USING btree ("follow_up_at") WHERE "cases"."follow_up_at" is not null and "cases"."deleted_at" is null;