CREATE TABLE "video_export_recipients" (
	"export_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"email_status" "email_status" DEFAULT 'pending' NOT NULL,
	"email_error" text,
	CONSTRAINT "video_export_recipients_export_id_user_id_pk" PRIMARY KEY("export_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "video_export_recipients" ADD CONSTRAINT "video_export_recipients_export_id_video_exports_id_fk" FOREIGN KEY ("export_id") REFERENCES "public"."video_exports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "video_export_recipients" ADD CONSTRAINT "video_export_recipients_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;