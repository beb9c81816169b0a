CREATE TABLE "cluster_nodes" (
	"name" text PRIMARY KEY NOT NULL,
	"url" text,
	"version" text NOT NULL,
	"pid" integer,
	"worker_running" boolean DEFAULT false NOT NULL,
	"storage" text NOT NULL,
	"store_ok" boolean,
	"store_error" text,
	"store_latency_ms" integer,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "recording_chunks" ADD COLUMN "held_by" text;--> statement-breakpoint
ALTER TABLE "recording_chunks" ADD COLUMN "sync_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "recording_chunks" ADD COLUMN "sync_error" text;--> statement-breakpoint
ALTER TABLE "recording_chunks" ADD COLUMN "sync_next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recordings" ADD COLUMN "received_by" text;--> statement-breakpoint
CREATE INDEX "recording_chunks_held_idx" ON "recording_chunks" USING btree ("held_by","sync_next_at") WHERE "recording_chunks"."held_by" is not null;