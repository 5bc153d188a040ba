CREATE TABLE "commitment_endings" (
	"type" text NOT NULL,
	"ref_key" text NOT NULL,
	"cancels" text DEFAULT '' NOT NULL,
	CONSTRAINT "commitment_endings_type_ref_key_cancels_pk" PRIMARY KEY("type","ref_key","cancels")
);
--> statement-breakpoint
ALTER TABLE "commitments" ADD COLUMN "cancels_on" text;
--> statement-breakpoint
-- Backfill: the endings of every agreement's commitments as defined now, and each live
-- instance's cancelling type from its agreement's commitment of the same key.
INSERT INTO "commitment_endings" ("type", "ref_key", "cancels")
SELECT DISTINCT CASE WHEN d ->> 'mode' = 'avoid' THEN d ->> 'brokenBy' ELSE d ->> 'fulfilledBy' END, d ->> 'ref', ''
FROM "agreements" a CROSS JOIN jsonb_array_elements(a."commitments") d
WHERE CASE WHEN d ->> 'mode' = 'avoid' THEN d ->> 'brokenBy' ELSE d ->> 'fulfilledBy' END IS NOT NULL
UNION
SELECT DISTINCT d ->> 'cancelledBy', d ->> 'ref', d ->> 'key'
FROM "agreements" a CROSS JOIN jsonb_array_elements(a."commitments") d
WHERE d ->> 'cancelledBy' IS NOT NULL
ON CONFLICT DO NOTHING;
--> statement-breakpoint
UPDATE "commitments" c SET "cancels_on" = (
  SELECT d ->> 'cancelledBy' FROM "agreements" a CROSS JOIN jsonb_array_elements(a."commitments") d
  WHERE a."id" = c."agreement_id" AND d ->> 'key' = c."key" LIMIT 1
);
