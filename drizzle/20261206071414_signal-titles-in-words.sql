-- Signal titles name their ref in words ("… · Shipment SH-7", src/shared/ref-labels.ts
-- signalTitleOf) instead of by its key ("… · shipmentId SH-7"). The titles written before are
-- rewritten here, in one statement: each distinct ref key is put in words by the steps of refNoun
-- (known kinds, then: drop a trailing id, split camelCase and _ . - and spaces, lower-case all but
-- acronyms; signal-titles-migration.test.ts checks the two agree). Only a title that still ends
-- with " · <refKey> <refValue>" is rewritten, and only for a key in plain ASCII (where lower() and
-- JavaScript's toLowerCase agree); any other title stays as it is (the web still shows the key in
-- words). updated_at is left alone: nothing about the signal changed.
WITH "known" ("key", "noun") AS (
  VALUES ('orderId', 'order'), ('shipmentId', 'shipment'), ('invoiceId', 'invoice'),
    ('subscriptionId', 'subscription'), ('contractId', 'contract'), ('customerId', 'customer'),
    ('paymentId', 'payment'), ('returnId', 'return'), ('rmaId', 'RMA'), ('sku', 'SKU'),
    ('poNumber', 'PO number')
), "keys" AS (
  SELECT DISTINCT "ref_key" AS "key", btrim("ref_key") AS "trimmed" FROM "signals"
  WHERE "ref_key" IS NOT NULL AND "ref_value" IS NOT NULL AND "ref_key" ~ '^[A-Za-z0-9_ .-]+$'
), "spaced" AS (
  SELECT "key", "trimmed",
    regexp_replace(
      regexp_replace(
        regexp_replace("trimmed", '(?<=[a-zA-Z0-9])(?:Id|ID|[_\s-]id)$', ''),
        '([a-z0-9])([A-Z])', '\1 \2', 'g'),
      '([A-Z]+)([A-Z][a-z])', '\1 \2', 'g') AS "spaced"
  FROM "keys"
), "nouns" AS (
  SELECT s."key", coalesce(k."noun", (
    SELECT coalesce(string_agg(CASE WHEN w."word" ~ '^[A-Z0-9]{2,}$' THEN w."word" ELSE lower(w."word") END,
      ' ' ORDER BY w."n"), '')
    FROM regexp_split_to_table(s."spaced", '[\s_.-]+') WITH ORDINALITY AS w("word", "n")
    WHERE w."word" <> '')) AS "noun"
  FROM "spaced" s LEFT JOIN "known" k ON k."key" = s."trimmed"
), "kinds" AS (
  SELECT "key", upper(left("noun", 1)) || substr("noun", 2) AS "kind" FROM "nouns"
)
UPDATE "signals" s
SET "title" = left(s."title", length(s."title") - length(' · ' || s."ref_key" || ' ' || s."ref_value"))
  || ' · ' || CASE WHEN k."kind" = '' THEN s."ref_value" ELSE k."kind" || ' ' || s."ref_value" END
FROM "kinds" k
WHERE s."ref_key" = k."key" AND s."ref_value" IS NOT NULL
  AND right(s."title", length(' · ' || s."ref_key" || ' ' || s."ref_value")) = ' · ' || s."ref_key" || ' ' || s."ref_value";
