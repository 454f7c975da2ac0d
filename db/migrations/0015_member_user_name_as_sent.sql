DROP INDEX `members_org_user_name_unique`;--> statement-breakpoint
UPDATE `members` SET `user_name` = json_extract(`scim_attributes`, '$.userName') WHERE json_type(`scim_attributes`, '$.userName') = 'text' AND lower(json_extract(`scim_attributes`, '$.userName')) = `user_name`;--> statement-breakpoint
CREATE UNIQUE INDEX `members_org_user_name_unique` ON `members` (`org_id`,lower("user_name"));