CREATE TABLE "event_sources" (
	"id" uuid PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"create_unknown_customers" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"token_hash" text NOT NULL,
	"webhook_secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"customer_id" uuid,
	"organization_id" uuid,
	"refs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_source_id_event_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."event_sources"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "event_sources_key_uq" ON "event_sources" USING btree ("key");--> statement-breakpoint
CREATE UNIQUE INDEX "event_sources_token_hash_uq" ON "event_sources" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "events_source_event_uq" ON "events" USING btree ("source_id","event_id");--> statement-breakpoint
CREATE INDEX "events_type_occurred" ON "events" USING btree ("type","occurred_at");--> statement-breakpoint
CREATE INDEX "events_customer_occurred" ON "events" USING btree ("customer_id","occurred_at");--> statement-breakpoint
CREATE INDEX "events_refs_gin" ON "events" USING gin ("refs" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "events_occurred" ON "events" USING btree ("occurred_at","id");