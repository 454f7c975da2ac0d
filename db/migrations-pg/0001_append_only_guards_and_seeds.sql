-- Invoices, their lines, seat ledger entries and the audit log are append-only: corrections are new
-- rows (SQLite's 0001). Events are never rewritten; only the retention sweep deletes them (SQLite's
-- 0013). One function refuses the change with the message its trigger passes, as SQLite's RAISE does.
CREATE FUNCTION seatd_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', TG_ARGV[0];
END;
$$;
--> statement-breakpoint
CREATE TRIGGER invoices_immutable BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION seatd_refuse_change('invoices are immutable');
--> statement-breakpoint
CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE OR DELETE ON invoice_lines FOR EACH ROW EXECUTE FUNCTION seatd_refuse_change('invoice lines are immutable');
--> statement-breakpoint
CREATE TRIGGER seat_ledger_entries_append_only BEFORE UPDATE OR DELETE ON seat_ledger_entries FOR EACH ROW EXECUTE FUNCTION seatd_refuse_change('seat ledger entries are append-only');
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION seatd_refuse_change('the audit log is append-only');
--> statement-breakpoint
-- TRUNCATE skips row triggers; SQLite has no TRUNCATE, so it is refused here as DELETE is.
CREATE TRIGGER invoices_no_truncate BEFORE TRUNCATE ON invoices FOR EACH STATEMENT EXECUTE FUNCTION seatd_refuse_change('invoices are immutable');
--> statement-breakpoint
CREATE TRIGGER invoice_lines_no_truncate BEFORE TRUNCATE ON invoice_lines FOR EACH STATEMENT EXECUTE FUNCTION seatd_refuse_change('invoice lines are immutable');
--> statement-breakpoint
CREATE TRIGGER seat_ledger_entries_no_truncate BEFORE TRUNCATE ON seat_ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION seatd_refuse_change('seat ledger entries are append-only');
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION seatd_refuse_change('the audit log is append-only');
--> statement-breakpoint
CREATE TRIGGER events_append_only BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION seatd_refuse_change('events are append-only');
--> statement-breakpoint
INSERT INTO event_retention (id, deleted_through) VALUES (1, 0);
