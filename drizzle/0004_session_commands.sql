-- Trigram indexes for substring search of commands; pg_trgm is a trusted extension (PostgreSQL 13+).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE TYPE "public"."command_source" AS ENUM('keys', 'command', 'query');--> statement-breakpoint
CREATE TABLE "session_commands" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" bigint NOT NULL,
	"t_ms" integer NOT NULL,
	"text" text NOT NULL,
	"source" "command_source" NOT NULL,
	"masked" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "session_commands" ADD CONSTRAINT "session_commands_session_id_remote_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."remote_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "session_commands_session_idx" ON "session_commands" USING btree ("session_id","t_ms");--> statement-breakpoint
CREATE INDEX "session_commands_text_trgm_idx" ON "session_commands" USING gin ("text" gin_trgm_ops);