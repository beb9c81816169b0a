ALTER TABLE "recordings" ADD COLUMN "purge_refused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recordings" ADD COLUMN "purge_refused_reason" text;