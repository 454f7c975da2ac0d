ALTER TABLE `sessions` ADD `saml_name_id` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `saml_session_index` text;--> statement-breakpoint
CREATE INDEX `sessions_org_saml_name_id_idx` ON `sessions` (`org_id`,`saml_name_id`);