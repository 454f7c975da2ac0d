CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`role` text,
	`label` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `api_tokens_org_idx` ON `api_tokens` (`org_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` text,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`outcome` text NOT NULL,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_org_idx` ON `audit_log` (`org_id`,`id`);--> statement-breakpoint
CREATE TABLE `contracts` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`term_start` text NOT NULL,
	`term_months` integer NOT NULL,
	`auto_renew` integer NOT NULL,
	`currency` text NOT NULL,
	`standard_price_amount` integer NOT NULL,
	`premium_price_amount` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contracts_org_id_unique` ON `contracts` (`org_id`);--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`member_id` text,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`seat_type` text NOT NULL,
	`token_hash` text NOT NULL,
	`status` text NOT NULL,
	`invited_by` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`ended_at` text,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_hash_unique` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE INDEX `invitations_org_status_idx` ON `invitations` (`org_id`,`status`);--> statement-breakpoint
CREATE INDEX `invitations_status_expires_idx` ON `invitations` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `invoice_lines` (
	`invoice_id` text NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`seat_type` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_amount` integer NOT NULL,
	`amount` integer NOT NULL,
	`description` text NOT NULL,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_lines_position_unique` ON `invoice_lines` (`invoice_id`,`position`);--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`number` text NOT NULL,
	`issued_at` text NOT NULL,
	`effective_date` text NOT NULL,
	`remaining_months` integer NOT NULL,
	`currency` text NOT NULL,
	`total_amount` integer NOT NULL,
	`idempotency_key` text NOT NULL,
	`request_hash` text NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_number_unique` ON `invoices` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_org_idempotency_unique` ON `invoices` (`org_id`,`idempotency_key`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`status` text NOT NULL,
	`seat_type` text NOT NULL,
	`source` text NOT NULL,
	`given_name` text,
	`family_name` text,
	`display_name` text,
	`external_id` text,
	`scim_attributes` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_org_email_unique` ON `members` (`org_id`,`email`);--> statement-breakpoint
CREATE INDEX `members_org_status_idx` ON `members` (`org_id`,`status`);--> statement-breakpoint
CREATE INDEX `members_org_external_id_idx` ON `members` (`org_id`,`external_id`);--> statement-breakpoint
CREATE TABLE `org_domains` (
	`org_id` text NOT NULL,
	`domain` text NOT NULL,
	`verified_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `org_domains_domain_unique` ON `org_domains` (`domain`);--> statement-breakpoint
CREATE INDEX `org_domains_org_idx` ON `org_domains` (`org_id`);--> statement-breakpoint
CREATE TABLE `orgs` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`provisioning_mode` text NOT NULL,
	`default_seat_type` text DEFAULT 'standard' NOT NULL,
	`group_seat_types` text DEFAULT '{}' NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `seat_ledger_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`seat_type` text NOT NULL,
	`purchased_delta` integer NOT NULL,
	`invoice_id` text,
	`effective_date` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `seat_ledger_entries_org_idx` ON `seat_ledger_entries` (`org_id`);--> statement-breakpoint
CREATE TABLE `seat_pools` (
	`org_id` text NOT NULL,
	`seat_type` text NOT NULL,
	`purchased` integer NOT NULL,
	`assigned` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "seat_pools_assigned_within_purchased" CHECK("seat_pools"."assigned" >= 0 AND "seat_pools"."assigned" <= "seat_pools"."purchased")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `seat_pools_org_type_unique` ON `seat_pools` (`org_id`,`seat_type`);--> statement-breakpoint
CREATE TABLE `seat_refusals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` text NOT NULL,
	`email` text NOT NULL,
	`path` text NOT NULL,
	`seat_type` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `seat_refusals_org_idx` ON `seat_refusals` (`org_id`,`at`);