CREATE TABLE `event_retention` (
	`id` integer PRIMARY KEY NOT NULL,
	`deleted_through` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`org_id` text NOT NULL,
	`occurred_at` text NOT NULL,
	`actor` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_id_unique` ON `events` (`id`);--> statement-breakpoint
CREATE INDEX `events_org_seq_idx` ON `events` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `events_occurred_idx` ON `events` (`occurred_at`);--> statement-breakpoint
-- Events are facts: never rewritten. Only the retention sweep deletes them, oldest first.
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
--> statement-breakpoint
INSERT INTO event_retention (id, deleted_through) VALUES (1, 0);
