ALTER TABLE "notifications" ADD COLUMN "tx" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE INDEX "notifications_tx" ON "notifications" USING btree ("tx");