-- Replies written before this column stay null: whether one went to no one, and why, was not kept
-- (imported history and a deleted customer's reply both have no mail, and the customer may have changed since).
ALTER TABLE "messages" ADD COLUMN "not_mailed" text;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_not_mailed_ck" CHECK ("messages"."not_mailed" in ('customer_deleted', 'no_address'));
