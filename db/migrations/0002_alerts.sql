CREATE TABLE `alert_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`alert_id` text NOT NULL,
	`channel` text NOT NULL,
	`event` text NOT NULL,
	`destination` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL,
	`delivered_at` text,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`alert_id`) REFERENCES `alerts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `alert_deliveries_due_idx` ON `alert_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_org_idx` ON `alert_deliveries` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`seat_type` text NOT NULL,
	`threshold` integer,
	`status` text NOT NULL,
	`event_count` integer NOT NULL,
	`opened_at` text NOT NULL,
	`last_event_at` text NOT NULL,
	`acknowledged_at` text,
	`acknowledged_by` text,
	`resolved_at` text,
	`resolved_reason` text,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `alerts_org_status_idx` ON `alerts` (`org_id`,`status`);--> statement-breakpoint
CREATE INDEX `alerts_org_kind_idx` ON `alerts` (`org_id`,`kind`,`seat_type`);--> statement-breakpoint
ALTER TABLE `orgs` ADD `alert_thresholds` text DEFAULT '[90,100]' NOT NULL;--> statement-breakpoint
ALTER TABLE `orgs` ADD `webhook_url` text;--> statement-breakpoint
ALTER TABLE `orgs` ADD `webhook_secret` text;