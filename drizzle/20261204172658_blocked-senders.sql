CREATE TABLE "blocked_senders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"pattern" text NOT NULL,
	"reason" text,
	"case_id" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "blocked_senders_pattern_uq" ON "blocked_senders" USING btree ("pattern");