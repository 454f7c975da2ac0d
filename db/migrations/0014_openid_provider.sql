CREATE TABLE `apps` (
	`client_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`secret_hash` text NOT NULL,
	`redirect_uris` text NOT NULL,
	`post_logout_redirect_uris` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `op_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`use` text NOT NULL,
	`jwk` text NOT NULL,
	`created_at` text NOT NULL,
	`superseded_at` text
);
--> statement-breakpoint
CREATE TABLE `op_records` (
	`model` text NOT NULL,
	`id` text NOT NULL,
	`payload` text NOT NULL,
	`grant_id` text,
	`uid` text,
	`expires_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `op_records_model_id_unique` ON `op_records` (`model`,`id`);--> statement-breakpoint
CREATE INDEX `op_records_grant_idx` ON `op_records` (`grant_id`);--> statement-breakpoint
CREATE INDEX `op_records_uid_idx` ON `op_records` (`uid`);--> statement-breakpoint
CREATE INDEX `op_records_expires_idx` ON `op_records` (`expires_at`);