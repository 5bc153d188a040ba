ALTER TABLE "rule_hits" DROP CONSTRAINT "rule_hits_event_id_events_id_fk";
--> statement-breakpoint
CREATE INDEX "signal_evidence_event" ON "signal_evidence" USING btree ("event_id");