ALTER TABLE "notification_preferences" ALTER COLUMN "time_zone" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "notification_preferences" ALTER COLUMN "time_zone" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "calendars" ADD COLUMN "holiday_names" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
-- A stored UTC was the default written with any other choice (the web UI too took it for "none
-- chosen"): it becomes no zone of one's own, which reads as UTC until the company sets its zone.
UPDATE "notification_preferences" SET "time_zone" = NULL WHERE "time_zone" = 'UTC';
