ALTER TABLE `members` ADD `user_name` text;--> statement-breakpoint
UPDATE `members` SET `user_name` = `email`;--> statement-breakpoint
CREATE UNIQUE INDEX `members_org_user_name_unique` ON `members` (`org_id`,`user_name`);