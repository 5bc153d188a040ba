CREATE TABLE "side_conversations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"participants" text[] NOT NULL,
	"reply_token" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"created_by" uuid,
	"last_message_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "side_conversations_state_ck" CHECK ("side_conversations"."state" in ('open', 'closed'))
);
--> statement-breakpoint
ALTER TABLE "messages" DROP CONSTRAINT "messages_author_type_ck";--> statement-breakpoint
ALTER TABLE "notifications" DROP CONSTRAINT "notifications_kind_ck";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "side_conversation_id" uuid;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "external_from" text;--> statement-breakpoint
ALTER TABLE "mail_messages" ADD COLUMN "side_conversation_id" uuid;--> statement-breakpoint
ALTER TABLE "side_conversations" ADD CONSTRAINT "side_conversations_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "side_conversations" ADD CONSTRAINT "side_conversations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "side_conversations_reply_token_uq" ON "side_conversations" USING btree ("reply_token");--> statement-breakpoint
CREATE INDEX "side_conversations_case" ON "side_conversations" USING btree ("case_id","created_at");--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_side_conversation_id_side_conversations_id_fk" FOREIGN KEY ("side_conversation_id") REFERENCES "public"."side_conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_messages" ADD CONSTRAINT "mail_messages_side_conversation_id_side_conversations_id_fk" FOREIGN KEY ("side_conversation_id") REFERENCES "public"."side_conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_side_internal_ck" CHECK ("messages"."side_conversation_id" is null or not "messages"."public");--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_author_type_ck" CHECK ("messages"."author_type" in ('agent', 'customer', 'system', 'third_party'));--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_kind_ck" CHECK (kind in ('case_assigned', 'case_queued', 'customer_replied', 'note_added', 'mentioned', 'promise_warning', 'promise_breached', 'follow_up_due', 'side_reply'));