DROP INDEX "commitments_organization";--> statement-breakpoint
DROP INDEX "commitments_agreement_closed";--> statement-breakpoint
DROP INDEX "commitments_closed";--> statement-breakpoint
CREATE INDEX "commitments_organization" ON "commitments" USING btree ("organization_id","due_at") WHERE "commitments"."organization_id" is not null;--> statement-breakpoint
CREATE INDEX "commitments_agreement_closed" ON "commitments" USING btree ("agreement_id","closed_at") WHERE "commitments"."closed_at" is not null;--> statement-breakpoint
CREATE INDEX "commitments_closed" ON "commitments" USING btree ("closed_at") WHERE "commitments"."closed_at" is not null;