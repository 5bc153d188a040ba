ALTER TABLE "cases" ADD COLUMN "next_warn_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "cases_next_warn" ON "cases" USING btree ("next_warn_at") WHERE "cases"."deleted_at" is null and "cases"."next_warn_at" is not null;--> statement-breakpoint
UPDATE "cases" c SET "next_warn_at" = (
  SELECT min(p."warn_at") FROM "case_promises" p
  WHERE p."case_id" = c."id" AND p."met_at" IS NULL AND p."state" = 'active'
) WHERE c."next_due_at" IS NOT NULL;
