ALTER TABLE "commitments" DROP CONSTRAINT "commitments_agreement_id_agreements_id_fk";
--> statement-breakpoint
ALTER TABLE "commitments" DROP CONSTRAINT "commitments_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "commitments" DROP CONSTRAINT "commitments_organization_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "commitments" DROP CONSTRAINT "commitments_opened_by_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "commitments" DROP CONSTRAINT "commitments_closed_by_event_id_events_id_fk";
--> statement-breakpoint
ALTER TABLE "rule_expectations" DROP CONSTRAINT "rule_expectations_rule_id_signal_rules_id_fk";
--> statement-breakpoint
ALTER TABLE "rule_expectations" DROP CONSTRAINT "rule_expectations_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "rule_expectations" DROP CONSTRAINT "rule_expectations_organization_id_organizations_id_fk";
--> statement-breakpoint
ALTER TABLE "rule_expectations" DROP CONSTRAINT "rule_expectations_started_by_event_id_events_id_fk";
