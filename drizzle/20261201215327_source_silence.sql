ALTER TABLE "event_sources" ADD COLUMN "silence_alert_minutes" integer;--> statement-breakpoint
ALTER TABLE "event_sources" ADD COLUMN "silent_since" timestamp with time zone;