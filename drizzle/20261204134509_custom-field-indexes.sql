CREATE INDEX "cases_custom_fields" ON "cases" USING gin ("custom_fields" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "customers_custom_fields" ON "customers" USING gin ("custom_fields" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "organizations_custom_fields" ON "organizations" USING gin ("custom_fields" jsonb_path_ops);