CREATE TABLE "playback_streams" (
	"user_id" uuid NOT NULL,
	"session_id" bigint NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"audit_id" bigint,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"first_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "playback_streams_user_id_session_id_hour_pk" PRIMARY KEY("user_id","session_id","hour")
);
--> statement-breakpoint
ALTER TABLE "playback_streams" ADD CONSTRAINT "playback_streams_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playback_streams" ADD CONSTRAINT "playback_streams_session_id_remote_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."remote_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playback_streams" ADD CONSTRAINT "playback_streams_audit_id_audit_log_id_fk" FOREIGN KEY ("audit_id") REFERENCES "public"."audit_log"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "playback_streams_audit_key" ON "playback_streams" USING btree ("audit_id");