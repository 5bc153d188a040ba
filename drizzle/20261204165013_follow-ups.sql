ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_ck";--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "follow_up_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "cases_follow_up" ON "cases" USING btree ("follow_up_at") WHERE "cases"."follow_up_at" is not null;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_follow_up_ck" CHECK ("cases"."follow_up_at" is null or "cases"."status" in ('pending', 'on_hold'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_ck" CHECK (kind in ('case_assigned', 'case_queued', 'customer_replied', 'note_added', 'mentioned', 'promise_warning', 'promise_breached', 'follow_up_due'));