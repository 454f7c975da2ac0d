CREATE TABLE "invoice_counters" (
	"prefix" text PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
-- the counters start where the invoices already issued end (INV-2026-000123 → 123)
INSERT INTO "invoice_counters" ("prefix", "last")
SELECT left("number", 9), max(substring("number" from 10)::integer) FROM "invoices" GROUP BY left("number", 9);
