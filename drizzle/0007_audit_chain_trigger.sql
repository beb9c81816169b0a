-- Tamper evidence for the audit trail: every row carries the SHA-256 of the
-- previous row's hash and its own fields (lib/audit/chain.ts recomputes it).
-- The text that is hashed: each field as "<length>:<value>", or "-" when null,
-- one per line, after the previous hash.
CREATE FUNCTION audit_log_entry_hash(
  prev_hash text, chain_seq bigint, at timestamptz, actor_id uuid, actor_email text, action text,
  target_type text, target_id text, ip text, details jsonb
) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(E'\n',
    prev_hash,
    length(chain_seq::text) || ':' || chain_seq::text,
    coalesce(length(v.at_text) || ':' || v.at_text, '-'),
    coalesce(length(actor_id::text) || ':' || actor_id::text, '-'),
    coalesce(length(actor_email) || ':' || actor_email, '-'),
    coalesce(length(action) || ':' || action, '-'),
    coalesce(length(target_type) || ':' || target_type, '-'),
    coalesce(length(target_id) || ':' || target_id, '-'),
    coalesce(length(ip) || ':' || ip, '-'),
    coalesce(length(details::text) || ':' || details::text, '-')
  ), 'UTF8')), 'hex')
  FROM (SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_text) v
$$;
--> statement-breakpoint
INSERT INTO audit_chain (id, seq, hash) VALUES (1, 0, repeat('0', 64));
--> statement-breakpoint
-- Rows written before the chain existed are chained in the order of their ids.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
--> statement-breakpoint
DO $$
DECLARE r record; head_seq bigint := 0; head_hash text := repeat('0', 64); h text;
BEGIN
  FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
    head_seq := head_seq + 1;
    h := audit_log_entry_hash(head_hash, head_seq, r.at, r.actor_id, r.actor_email, r.action, r.target_type, r.target_id, r.ip, r.details);
    UPDATE audit_log SET chain_seq = head_seq, prev_hash = head_hash, hash = h WHERE id = r.id;
    head_hash := h;
  END LOOP;
  UPDATE audit_chain SET seq = head_seq, hash = head_hash WHERE id = 1;
END $$;
--> statement-breakpoint
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
--> statement-breakpoint
-- Runs as the owner (SECURITY DEFINER): the application's role may not touch
-- the chain's head. The head's row lock makes concurrent inserts take turns
-- until each commits, so every row is chained to the one committed before it.
-- The time of a row is the time of its transaction, whatever the insert said.
CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
DECLARE head_seq bigint; head_hash text;
BEGIN
  UPDATE public.audit_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash INTO head_seq, head_hash;
  IF head_seq IS NULL THEN
    RAISE EXCEPTION 'audit_chain has no head row';
  END IF;
  NEW.at := now();
  NEW.chain_seq := head_seq;
  NEW.prev_hash := head_hash;
  NEW.hash := public.audit_log_entry_hash(head_hash, head_seq, NEW.at, NEW.actor_id, NEW.actor_email, NEW.action,
    NEW.target_type, NEW.target_id, NEW.ip, NEW.details);
  UPDATE public.audit_chain SET hash = NEW.hash WHERE id = 1;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
--> statement-breakpoint
-- The chain's head is the owner's: nobody else changes it (the grants of the application's role come after the migrations).
REVOKE ALL ON audit_chain FROM PUBLIC;
