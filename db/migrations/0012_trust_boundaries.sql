CREATE TABLE `sign_in_failures` (
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`reason` text NOT NULL,
	`minute` text NOT NULL,
	`count` integer NOT NULL,
	`last_at` text NOT NULL,
	`last_detail` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sign_in_failures_unique` ON `sign_in_failures` (`org_id`,`kind`,`reason`,`minute`);--> statement-breakpoint
CREATE INDEX `sign_in_failures_org_idx` ON `sign_in_failures` (`org_id`,`last_at`);--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `created_by_role` text;--> statement-breakpoint
ALTER TABLE `oidc_logins` ADD `browser_hash` text;--> statement-breakpoint
ALTER TABLE `saml_requests` ADD `browser_hash` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `role_cap` text;--> statement-breakpoint
ALTER TABLE `sso_connections` ADD `editor_role` text DEFAULT 'admin' NOT NULL;