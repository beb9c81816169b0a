ALTER TABLE "remote_sessions" ADD COLUMN "analysis_rules_version" integer;--> statement-breakpoint
ALTER TABLE "remote_sessions" ADD COLUMN "analyzed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "remote_sessions_findings_started_idx" ON "remote_sessions" USING btree ("started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "remote_sessions"."max_criticality" is not null;