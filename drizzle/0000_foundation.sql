CREATE TYPE "public"."criticality" AS ENUM('low', 'medium', 'high');--> statement-breakpoint
CREATE TYPE "public"."email_status" AS ENUM('pending', 'sent', 'outbox', 'failed');--> statement-breakpoint
CREATE TYPE "public"."event_type" AS ENUM('key', 'mouse', 'click', 'clipboard', 'window', 'command', 'query');--> statement-breakpoint
CREATE TYPE "public"."export_format" AS ENUM('mp4', 'webm');--> statement-breakpoint
CREATE TYPE "public"."export_status" AS ENUM('queued', 'running', 'done', 'failed', 'cancelled', 'expired');--> statement-breakpoint
CREATE TYPE "public"."integrity_status" AS ENUM('unchecked', 'verified', 'mismatch');--> statement-breakpoint
CREATE TYPE "public"."protocol" AS ENUM('ssh', 'rdp', 'vnc', 'telnet', 'http', 'mysql', 'postgresql', 'oracle', 'sqlserver');--> statement-breakpoint
CREATE TYPE "public"."recording_status" AS ENUM('receiving', 'incomplete', 'processing', 'ready', 'failed');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('admin', 'auditor', 'user');--> statement-breakpoint
CREATE TYPE "public"."rule_action" AS ENUM('allow', 'alert', 'block', 'interrupt');--> statement-breakpoint
CREATE TYPE "public"."rule_session_type" AS ENUM('terminal', 'database');--> statement-breakpoint
CREATE TYPE "public"."session_status" AS ENUM('active', 'closed', 'failed');--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" uuid,
	"actor_email" text,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"ip" text,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "audited_command_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"pattern" text NOT NULL,
	"session_type" "rule_session_type" NOT NULL,
	"criticality" "criticality" NOT NULL,
	"score" integer NOT NULL,
	"action" "rule_action" NOT NULL,
	"attempts" integer,
	"mitre_technique" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"built_in" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "command_findings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" bigint NOT NULL,
	"rule_id" uuid,
	"rule_name" text NOT NULL,
	"rules_version" integer NOT NULL,
	"command" text NOT NULL,
	"t_ms" integer NOT NULL,
	"score" integer NOT NULL,
	"criticality" "criticality" NOT NULL,
	"action" "rule_action" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"to" text NOT NULL,
	"subject" text NOT NULL,
	"html" text NOT NULL,
	"text" text NOT NULL,
	"transport" text NOT NULL,
	"provider_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recording_chunks" (
	"recording_id" bigint NOT NULL,
	"seq" integer NOT NULL,
	"size_bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recording_chunks_recording_id_seq_pk" PRIMARY KEY("recording_id","seq"),
	CONSTRAINT "recording_chunks_seq_check" CHECK ("recording_chunks"."seq" >= 0)
);
--> statement-breakpoint
CREATE TABLE "recordings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" bigint NOT NULL,
	"status" "recording_status" DEFAULT 'receiving' NOT NULL,
	"status_reason" text,
	"expected_chunks" integer,
	"expected_sha256" text,
	"chain_head" text,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"container" text,
	"duration_ms" integer,
	"width" integer,
	"height" integer,
	"video_codec" text,
	"audio_codec" text,
	"has_audio" boolean,
	"probe" jsonb,
	"playable_key" text,
	"playlist" jsonb,
	"activity" jsonb,
	"integrity_status" "integrity_status" DEFAULT 'unchecked' NOT NULL,
	"integrity_checked_at" timestamp with time zone,
	"integrity_first_bad_chunk" integer,
	"integrity_detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "recordings_session_id_unique" UNIQUE("session_id")
);
--> statement-breakpoint
CREATE TABLE "remote_sessions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"protocol" "protocol" NOT NULL,
	"host" text NOT NULL,
	"credential_username" text NOT NULL,
	"user_id" uuid,
	"user_name" text NOT NULL,
	"user_ip" text NOT NULL,
	"cluster_node" text,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"status" "session_status" DEFAULT 'active' NOT NULL,
	"error_message" text,
	"recording_size" bigint DEFAULT 0 NOT NULL,
	"risk_score" integer DEFAULT 0 NOT NULL,
	"max_criticality" "criticality",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"session_id" bigint NOT NULL,
	"t_ms" integer NOT NULL,
	"type" "event_type" NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"ip" text NOT NULL,
	"succeeded" boolean NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "system_parameters" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "role" DEFAULT 'user' NOT NULL,
	"password_hash" text NOT NULL,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "video_exports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" bigint NOT NULL,
	"requested_by" uuid NOT NULL,
	"format" "export_format" NOT NULL,
	"watermark" boolean DEFAULT false NOT NULL,
	"options_key" text NOT NULL,
	"status" "export_status" DEFAULT 'queued' NOT NULL,
	"progress" real DEFAULT 0 NOT NULL,
	"eta_seconds" integer,
	"storage_key" text,
	"size_bytes" bigint,
	"duration_ms" integer,
	"error" text,
	"email_status" "email_status",
	"email_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "command_findings" ADD CONSTRAINT "command_findings_session_id_remote_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."remote_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "command_findings" ADD CONSTRAINT "command_findings_rule_id_audited_command_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."audited_command_rules"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recording_chunks" ADD CONSTRAINT "recording_chunks_recording_id_recordings_id_fk" FOREIGN KEY ("recording_id") REFERENCES "public"."recordings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recordings" ADD CONSTRAINT "recordings_session_id_remote_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."remote_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remote_sessions" ADD CONSTRAINT "remote_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session_events" ADD CONSTRAINT "session_events_session_id_remote_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."remote_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "system_parameters" ADD CONSTRAINT "system_parameters_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "video_exports" ADD CONSTRAINT "video_exports_session_id_remote_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."remote_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "video_exports" ADD CONSTRAINT "video_exports_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_prefix_key" ON "api_tokens" USING btree ("prefix");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_action_at_idx" ON "audit_log" USING btree ("action","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_actor_at_idx" ON "audit_log" USING btree ("actor_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_target_idx" ON "audit_log" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "command_findings_session_idx" ON "command_findings" USING btree ("session_id","t_ms");--> statement-breakpoint
CREATE UNIQUE INDEX "remote_sessions_hash_key" ON "remote_sessions" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "remote_sessions_started_idx" ON "remote_sessions" USING btree ("started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "remote_sessions_protocol_started_idx" ON "remote_sessions" USING btree ("protocol","started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "remote_sessions_status_started_idx" ON "remote_sessions" USING btree ("status","started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "remote_sessions_user_started_idx" ON "remote_sessions" USING btree ("user_id","started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "remote_sessions_risk_idx" ON "remote_sessions" USING btree ("risk_score" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "remote_sessions_hash_prefix_idx" ON "remote_sessions" USING btree ("hash" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "remote_sessions_host_prefix_idx" ON "remote_sessions" USING btree (lower("host") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "remote_sessions_user_name_prefix_idx" ON "remote_sessions" USING btree (lower("user_name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "remote_sessions_credential_prefix_idx" ON "remote_sessions" USING btree (lower("credential_username") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "session_events_session_t_idx" ON "session_events" USING btree ("session_id","t_ms");--> statement-breakpoint
CREATE INDEX "sign_in_attempts_email_at_idx" ON "sign_in_attempts" USING btree (lower("email"),"at");--> statement-breakpoint
CREATE INDEX "sign_in_attempts_ip_at_idx" ON "sign_in_attempts" USING btree ("ip","at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "video_exports_live_key" ON "video_exports" USING btree ("session_id","options_key") WHERE "video_exports"."status" in ('queued', 'running', 'done');