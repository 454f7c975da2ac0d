-- Invoices, their lines, seat ledger entries and the audit log are append-only: corrections are new rows.
CREATE TRIGGER invoices_immutable_update BEFORE UPDATE ON invoices BEGIN SELECT RAISE(ABORT, 'invoices are immutable'); END;
--> statement-breakpoint
CREATE TRIGGER invoices_immutable_delete BEFORE DELETE ON invoices BEGIN SELECT RAISE(ABORT, 'invoices are immutable'); END;
--> statement-breakpoint
CREATE TRIGGER invoice_lines_immutable_update BEFORE UPDATE ON invoice_lines BEGIN SELECT RAISE(ABORT, 'invoice lines are immutable'); END;
--> statement-breakpoint
CREATE TRIGGER invoice_lines_immutable_delete BEFORE DELETE ON invoice_lines BEGIN SELECT RAISE(ABORT, 'invoice lines are immutable'); END;
--> statement-breakpoint
CREATE TRIGGER seat_ledger_entries_append_only_update BEFORE UPDATE ON seat_ledger_entries BEGIN SELECT RAISE(ABORT, 'seat ledger entries are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER seat_ledger_entries_append_only_delete BEFORE DELETE ON seat_ledger_entries BEGIN SELECT RAISE(ABORT, 'seat ledger entries are append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
