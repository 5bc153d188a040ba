ALTER TABLE "webhook_deliveries" ADD COLUMN "sending_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD COLUMN "send_again" boolean DEFAULT false NOT NULL;