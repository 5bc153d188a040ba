-- Live calendars, agreements, organizations and signal rules that share a name (in any case:
-- made before names were checked) get told apart before the indexes are made, as teams' were:
-- the oldest keeps its name, the others get " (2)", " (3)", … (the first number free).
DO $$
DECLARE
  tbl text;
  dup record;
  n integer;
  candidate text;
  taken boolean;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['calendars', 'agreements', 'organizations', 'signal_rules'] LOOP
    FOR dup IN EXECUTE format(
      'SELECT id, name FROM (
         SELECT id, name, row_number() OVER (PARTITION BY lower(name) ORDER BY created_at, id) AS rn
         FROM %I WHERE deleted_at IS NULL
       ) ranked WHERE rn > 1 ORDER BY lower(name), rn', tbl)
    LOOP
      n := 2;
      LOOP
        candidate := dup.name || ' (' || n || ')';
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE deleted_at IS NULL AND lower(name) = lower($1))', tbl)
          INTO taken USING candidate;
        EXIT WHEN NOT taken;
        n := n + 1;
      END LOOP;
      EXECUTE format(
        'UPDATE %I SET name = $1, updated_at = greatest(clock_timestamp(), updated_at + interval ''1 millisecond'') WHERE id = $2',
        tbl) USING candidate, dup.id;
    END LOOP;
  END LOOP;
  -- A rule's definition carries its name too.
  UPDATE signal_rules SET definition = jsonb_set(definition, '{name}', to_jsonb(name))
    WHERE definition->>'name' IS DISTINCT FROM name;
END $$;--> statement-breakpoint
CREATE UNIQUE INDEX "agreements_name_live_uq" ON "agreements" USING btree (lower("name")) WHERE "agreements"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "calendars_name_live_uq" ON "calendars" USING btree (lower("name")) WHERE "calendars"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_name_live_uq" ON "organizations" USING btree (lower("name")) WHERE "organizations"."deleted_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "signal_rules_name_live_uq" ON "signal_rules" USING btree (lower("name")) WHERE "signal_rules"."deleted_at" is null;