CREATE TABLE `scim_group_members` (
	`group_id` text NOT NULL,
	`member_id` text NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `scim_groups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scim_group_members_unique` ON `scim_group_members` (`group_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `scim_group_members_member_idx` ON `scim_group_members` (`member_id`);--> statement-breakpoint
CREATE TABLE `scim_groups` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`display_name` text NOT NULL,
	`external_id` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `orgs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scim_groups_org_name_idx` ON `scim_groups` (`org_id`,`display_name`);--> statement-breakpoint
CREATE INDEX `scim_groups_org_created_idx` ON `scim_groups` (`org_id`,`created_at`,`id`);