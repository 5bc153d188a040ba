ALTER TABLE "events" DROP CONSTRAINT "events_source_id_event_sources_id_fk";
--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "events" DROP CONSTRAINT "events_organization_id_organizations_id_fk";
