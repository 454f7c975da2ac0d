DROP INDEX "members_org_idx";--> statement-breakpoint
ALTER TABLE "members" ADD COLUMN "rowid" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "members_rowid_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
CREATE INDEX "members_org_idx" ON "members" USING btree ("org_id","rowid");