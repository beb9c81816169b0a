-- Reviews and note versions are evidence, like the audit trail: the application may only append to them.
CREATE OR REPLACE FUNCTION review_history_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER session_reviews_append_only
  BEFORE UPDATE OR DELETE ON session_reviews
  FOR EACH ROW EXECUTE FUNCTION review_history_refuse_change();
--> statement-breakpoint
CREATE TRIGGER session_reviews_no_truncate
  BEFORE TRUNCATE ON session_reviews
  FOR EACH STATEMENT EXECUTE FUNCTION review_history_refuse_change();
--> statement-breakpoint
CREATE TRIGGER session_note_versions_append_only
  BEFORE UPDATE OR DELETE ON session_note_versions
  FOR EACH ROW EXECUTE FUNCTION review_history_refuse_change();
--> statement-breakpoint
CREATE TRIGGER session_note_versions_no_truncate
  BEFORE TRUNCATE ON session_note_versions
  FOR EACH STATEMENT EXECUTE FUNCTION review_history_refuse_change();
