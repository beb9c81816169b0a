ALTER TABLE "recordings" ADD COLUMN "thumbnails" jsonb;--> statement-breakpoint
ALTER TABLE "video_exports" ADD COLUMN "clip_start_ms" integer;--> statement-breakpoint
ALTER TABLE "video_exports" ADD COLUMN "clip_end_ms" integer;--> statement-breakpoint
ALTER TABLE "video_exports" ADD CONSTRAINT "video_exports_clip_range_check" CHECK (("video_exports"."clip_start_ms" is null and "video_exports"."clip_end_ms" is null) or ("video_exports"."clip_start_ms" >= 0 and "video_exports"."clip_end_ms" > "video_exports"."clip_start_ms"));