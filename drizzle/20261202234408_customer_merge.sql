ALTER TABLE "customers" ADD COLUMN "merged_into_id" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_merged_into_id_customers_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customers_merged_email" ON "customers" USING btree (lower("email")) WHERE "customers"."merged_into_id" is not null;--> statement-breakpoint
CREATE INDEX "customers_merged_external_id" ON "customers" USING btree ("external_id") WHERE "customers"."merged_into_id" is not null;--> statement-breakpoint
CREATE INDEX "customers_merged_into" ON "customers" USING btree ("merged_into_id") WHERE "customers"."merged_into_id" is not null;