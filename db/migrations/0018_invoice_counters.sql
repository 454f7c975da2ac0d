CREATE TABLE `invoice_counters` (
	`prefix` text PRIMARY KEY NOT NULL,
	`last` integer NOT NULL
);
--> statement-breakpoint
-- the counters start where the invoices already issued end (INV-2026-000123 → 123)
INSERT INTO `invoice_counters` (`prefix`, `last`)
SELECT substr(`number`, 1, 9), max(CAST(substr(`number`, 10) AS INTEGER)) FROM `invoices` GROUP BY substr(`number`, 1, 9);
