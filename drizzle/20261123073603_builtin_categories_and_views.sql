-- The glossary's case categories; admins add more through the API.
INSERT INTO "categories" ("key", "name", "builtin") VALUES
  ('order_status', 'Order status inquiry', true),
  ('late_delivery', 'Late delivery', true),
  ('damaged_product', 'Damaged product', true),
  ('wrong_item', 'Wrong item shipped', true),
  ('invoice_error', 'Invoice error', true),
  ('order_change', 'Order change', true),
  ('complaint', 'Complaint', true),
  ('technical_question', 'Technical question', true),
  ('other', 'Other', true)
ON CONFLICT ("key") DO NOTHING;
--> statement-breakpoint
-- Shared queue views every agent starts with.
INSERT INTO "case_views" ("id", "name", "owner_id", "filters", "sort", "position") VALUES
  (gen_random_uuid(), 'My open cases', NULL, '{"assigneeId": "me", "status": ["new", "open"]}', 'nextDueAt', 10),
  (gen_random_uuid(), 'Unassigned', NULL, '{"assigneeId": "none", "status": ["new", "open"]}', 'nextDueAt', 20),
  (gen_random_uuid(), 'Promises at risk', NULL, '{"promise": "at_risk"}', 'nextDueAt', 30),
  (gen_random_uuid(), 'Promises breached', NULL, '{"promise": "breached", "status": ["new", "open", "pending", "on_hold"]}', 'nextDueAt', 40),
  (gen_random_uuid(), 'Waiting (pending or on hold)', NULL, '{"status": ["pending", "on_hold"]}', 'updatedAt', 50),
  (gen_random_uuid(), 'All unsolved', NULL, '{"status": ["new", "open", "pending", "on_hold"]}', 'nextDueAt', 60);
