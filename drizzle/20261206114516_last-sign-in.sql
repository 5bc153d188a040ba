ALTER TABLE "users" ADD COLUMN "last_signed_in_at" timestamp with time zone;--> statement-breakpoint
-- Who signed in before this column existed: their latest session still kept (sessions go a month after they end).
UPDATE "users" u SET "last_signed_in_at" = (
  SELECT max(t."created_at") FROM "auth_tokens" t WHERE t."user_id" = u."id" AND t."kind" = 'session'
);
