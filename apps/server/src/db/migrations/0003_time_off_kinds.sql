ALTER TABLE "time_off" ADD COLUMN "kind" text DEFAULT 'time_off' NOT NULL;--> statement-breakpoint
ALTER TABLE "time_off" ADD COLUMN "status" text DEFAULT 'approved' NOT NULL;--> statement-breakpoint
ALTER TABLE "time_off" ADD COLUMN "requested_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "time_off" ADD COLUMN "decided_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "time_off" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "time_off" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "time_off" ADD CONSTRAINT "time_off_requested_by_user_id_users_id_fk" FOREIGN KEY ("requested_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "time_off" ADD CONSTRAINT "time_off_decided_by_user_id_users_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;