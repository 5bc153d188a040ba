CREATE TABLE "commitments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"agreement_id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"mode" text NOT NULL,
	"customer_id" uuid,
	"organization_id" uuid,
	"segment" text,
	"ref_key" text NOT NULL,
	"ref_value" text NOT NULL,
	"closes_on" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"opened_by_event_id" uuid NOT NULL,
	"closed_by_event_id" uuid,
	"repromised" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_expectations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"rule_id" uuid NOT NULL,
	"rule_version" integer NOT NULL,
	"ref_value" text NOT NULL,
	"customer_id" uuid,
	"organization_id" uuid,
	"started_by_event_id" uuid NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"promise_due_at" timestamp with time zone,
	"state" text DEFAULT 'waiting' NOT NULL,
	"signal_id" uuid,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_hits" (
	"rule_id" uuid NOT NULL,
	"subject_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rule_hits_rule_id_subject_id_event_id_pk" PRIMARY KEY("rule_id","subject_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "signal_actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"signal_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"result" jsonb,
	"error" text,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "signal_evidence" (
	"signal_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signal_evidence_signal_id_event_id_pk" PRIMARY KEY("signal_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "signal_rule_versions" (
	"rule_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signal_rule_versions_rule_id_version_pk" PRIMARY KEY("rule_id","version")
);
--> statement-breakpoint
CREATE TABLE "signal_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "signals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"rule_id" uuid NOT NULL,
	"rule_version" integer NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"title" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"customer_id" uuid,
	"organization_id" uuid,
	"ref_key" text,
	"ref_value" text,
	"refs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"due_at" timestamp with time zone,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acted_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"resolution" text,
	"evidence_count" integer DEFAULT 1 NOT NULL,
	"last_evidence_at" timestamp with time zone DEFAULT now() NOT NULL,
	"case_id" uuid,
	"customer_contacted_first" boolean DEFAULT false NOT NULL,
	"customer_contact_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agreements" ADD COLUMN "commitments" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "refs" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_agreement_id_agreements_id_fk" FOREIGN KEY ("agreement_id") REFERENCES "public"."agreements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_opened_by_event_id_events_id_fk" FOREIGN KEY ("opened_by_event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commitments" ADD CONSTRAINT "commitments_closed_by_event_id_events_id_fk" FOREIGN KEY ("closed_by_event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_expectations" ADD CONSTRAINT "rule_expectations_rule_id_signal_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."signal_rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_expectations" ADD CONSTRAINT "rule_expectations_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_expectations" ADD CONSTRAINT "rule_expectations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_expectations" ADD CONSTRAINT "rule_expectations_started_by_event_id_events_id_fk" FOREIGN KEY ("started_by_event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_expectations" ADD CONSTRAINT "rule_expectations_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_hits" ADD CONSTRAINT "rule_hits_rule_id_signal_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."signal_rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_hits" ADD CONSTRAINT "rule_hits_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_actions" ADD CONSTRAINT "signal_actions_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_evidence" ADD CONSTRAINT "signal_evidence_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_evidence" ADD CONSTRAINT "signal_evidence_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_rule_versions" ADD CONSTRAINT "signal_rule_versions_rule_id_signal_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."signal_rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signal_rule_versions" ADD CONSTRAINT "signal_rule_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_rule_id_signal_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."signal_rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "commitments_live_uq" ON "commitments" USING btree ("key","ref_value",coalesce("customer_id"::text, '')) WHERE "commitments"."state" in ('open', 'overdue');--> statement-breakpoint
CREATE INDEX "commitments_due" ON "commitments" USING btree ("due_at") WHERE "commitments"."state" = 'open';--> statement-breakpoint
CREATE INDEX "commitments_closing" ON "commitments" USING btree ("closes_on","ref_value") WHERE "commitments"."state" in ('open', 'overdue');--> statement-breakpoint
CREATE INDEX "commitments_customer" ON "commitments" USING btree ("customer_id","due_at");--> statement-breakpoint
CREATE INDEX "commitments_organization" ON "commitments" USING btree ("organization_id","due_at");--> statement-breakpoint
CREATE INDEX "commitments_agreement_closed" ON "commitments" USING btree ("agreement_id","closed_at");--> statement-breakpoint
CREATE INDEX "commitments_closed" ON "commitments" USING btree ("closed_at");--> statement-breakpoint
CREATE INDEX "commitments_list" ON "commitments" USING btree ("due_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_expectations_waiting_uq" ON "rule_expectations" USING btree ("rule_id","ref_value") WHERE "rule_expectations"."state" = 'waiting';--> statement-breakpoint
CREATE INDEX "rule_expectations_due" ON "rule_expectations" USING btree ("due_at") WHERE "rule_expectations"."state" = 'waiting';--> statement-breakpoint
CREATE INDEX "rule_expectations_fired" ON "rule_expectations" USING btree ("rule_id","ref_value") WHERE "rule_expectations"."state" = 'fired';--> statement-breakpoint
CREATE INDEX "rule_hits_window" ON "rule_hits" USING btree ("rule_id","subject_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "signal_actions_position_uq" ON "signal_actions" USING btree ("signal_id","position");--> statement-breakpoint
CREATE INDEX "signal_actions_pending" ON "signal_actions" USING btree ("run_after") WHERE "signal_actions"."state" = 'pending';--> statement-breakpoint
CREATE INDEX "signal_rules_enabled" ON "signal_rules" USING btree ("enabled") WHERE "signal_rules"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "signals_live_dedupe_uq" ON "signals" USING btree ("rule_id","dedupe_key") WHERE "signals"."state" in ('open', 'acted');--> statement-breakpoint
CREATE INDEX "signals_state_severity" ON "signals" USING btree ("state","severity","detected_at");--> statement-breakpoint
CREATE INDEX "signals_customer" ON "signals" USING btree ("customer_id","detected_at");--> statement-breakpoint
CREATE INDEX "signals_organization" ON "signals" USING btree ("organization_id","detected_at");--> statement-breakpoint
CREATE INDEX "signals_rule" ON "signals" USING btree ("rule_id","detected_at");--> statement-breakpoint
CREATE INDEX "signals_detected" ON "signals" USING btree ("detected_at","id");--> statement-breakpoint
CREATE INDEX "signals_case" ON "signals" USING btree ("case_id");