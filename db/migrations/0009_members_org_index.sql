DROP INDEX `members_org_created_idx`;--> statement-breakpoint
CREATE INDEX `members_org_idx` ON `members` (`org_id`);