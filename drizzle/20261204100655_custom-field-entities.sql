-- Custom fields for customers and organizations too: each definition belongs to one kind of record.
ALTER TABLE "custom_field_definitions" ADD COLUMN "entity" text DEFAULT 'case' NOT NULL;--> statement-breakpoint
ALTER TABLE "custom_field_definitions" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "custom_field_definitions" SET "updated_at" = "created_at";--> statement-breakpoint
ALTER TABLE "custom_field_definitions" DROP CONSTRAINT "custom_field_definitions_pkey";--> statement-breakpoint
ALTER TABLE "custom_field_definitions" ADD CONSTRAINT "custom_field_definitions_pkey" PRIMARY KEY("entity","key");--> statement-breakpoint
ALTER TABLE "custom_field_definitions" ADD CONSTRAINT "custom_field_definitions_entity_ck" CHECK ("custom_field_definitions"."entity" in ('case', 'customer', 'organization'));
