-- Live teams that share a name (in any case: made before names were checked, or by two admins at
-- one moment) get told apart before the index is made: the oldest keeps its name, the others get
-- " (2)", " (3)", … (the first number no live team has yet).
DO $$
DECLARE
  dup record;
  n integer;
  candidate text;
BEGIN
  FOR dup IN
    SELECT id, name FROM (
      SELECT id, name, row_number() OVER (PARTITION BY lower(name) ORDER BY created_at, id) AS rn
      FROM teams WHERE deleted_at IS NULL
    ) ranked
    WHERE rn > 1
    ORDER BY lower(name), rn
  LOOP
    n := 2;
    LOOP
      candidate := dup.name || ' (' || n || ')';
      EXIT WHEN NOT EXISTS (SELECT 1 FROM teams WHERE deleted_at IS NULL AND lower(name) = lower(candidate));
      n := n + 1;
    END LOOP;
    UPDATE teams
      SET name = candidate, updated_at = greatest(clock_timestamp(), updated_at + interval '1 millisecond')
      WHERE id = dup.id;
  END LOOP;
END $$;--> statement-breakpoint
CREATE UNIQUE INDEX "teams_name_live_uq" ON "teams" USING btree (lower("name")) WHERE "teams"."deleted_at" is null;
