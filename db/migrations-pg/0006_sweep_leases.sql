CREATE TABLE "sweep_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"until" text NOT NULL
);
