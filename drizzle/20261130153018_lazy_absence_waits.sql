CREATE TABLE "rule_watermarks" (
	"rule_id" uuid PRIMARY KEY NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"until_at" timestamp with time zone NOT NULL,
	"until_id" uuid NOT NULL
);
