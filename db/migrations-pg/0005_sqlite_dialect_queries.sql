-- seatd's queries are built once, in SQLite's dialect, and run on both databases (ADR 0072). The
-- few SQLite functions they use are defined here with SQLite's meaning, on the types used here.
CREATE FUNCTION instr(haystack text, needle text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT strpos(haystack, needle)
$$;
--> statement-breakpoint
-- A path of keys only ('$.seatType', '$.a.b'), answered as text, which is how the queries use it.
CREATE FUNCTION json_extract(doc jsonb, path text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT doc #>> string_to_array(substr(path, 3), '.')
$$;
--> statement-breakpoint
-- SQLite numbers an INTEGER PRIMARY KEY given as NULL, and the SQLite dialect writes NULL for a
-- column the insert leaves out; here the identity's sequence fills it in before NOT NULL is checked.
CREATE FUNCTION seatd_number_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF to_jsonb(NEW) -> TG_ARGV[0] = 'null'::jsonb THEN
    NEW := jsonb_populate_record(NEW, jsonb_build_object(TG_ARGV[0], nextval(pg_get_serial_sequence(TG_TABLE_NAME, TG_ARGV[0]))));
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER seat_ledger_entries_number BEFORE INSERT ON seat_ledger_entries FOR EACH ROW EXECUTE FUNCTION seatd_number_row('id');
--> statement-breakpoint
CREATE TRIGGER seat_refusals_number BEFORE INSERT ON seat_refusals FOR EACH ROW EXECUTE FUNCTION seatd_number_row('id');
--> statement-breakpoint
CREATE TRIGGER audit_log_number BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION seatd_number_row('id');
--> statement-breakpoint
CREATE TRIGGER events_number BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION seatd_number_row('seq');
--> statement-breakpoint
CREATE TRIGGER webhook_deliveries_number BEFORE INSERT ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION seatd_number_row('seq');
