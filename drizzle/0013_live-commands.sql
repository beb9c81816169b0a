CREATE TYPE "public"."live_command_kind" AS ENUM('terminate', 'lock', 'unlock', 'message');--> statement-breakpoint
CREATE TYPE "public"."live_command_outcome" AS ENUM('done', 'refused', 'gone');--> statement-breakpoint
CREATE TABLE "live_commands" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" bigint NOT NULL,
	"kind" "live_command_kind" NOT NULL,
	"text" text,
	"issued_by" uuid,
	"issued_by_name" text NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"outcome" "live_command_outcome",
	"outcome_message" text,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "live_commands" ADD CONSTRAINT "live_commands_session_id_remote_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."remote_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "live_commands" ADD CONSTRAINT "live_commands_issued_by_users_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "live_commands_session_idx" ON "live_commands" USING btree ("session_id","issued_at");--> statement-breakpoint
CREATE INDEX "live_commands_pending_idx" ON "live_commands" USING btree ("session_id") WHERE "live_commands"."outcome" is null;