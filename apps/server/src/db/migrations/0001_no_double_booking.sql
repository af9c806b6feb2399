-- No double booking, guaranteed by the database (ARCHITECTURE.md, "Double booking"):
-- two active appointments of one barber may not overlap, buffers included.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_no_overlap"
  EXCLUDE USING gist ("barber_id" WITH =, tstzrange("occupied_from", "occupied_until", '[)') WITH &&)
  WHERE ("status" IN ('pending', 'confirmed', 'checked_in', 'completed'));
--> statement-breakpoint
ALTER TABLE "appointments" ADD CONSTRAINT "appointments_time_order" CHECK ("starts_at" < "ends_at" AND "occupied_from" <= "starts_at" AND "occupied_until" >= "ends_at");
--> statement-breakpoint
ALTER TABLE "time_off" ADD CONSTRAINT "time_off_order" CHECK ("starts_at" < "ends_at");
--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_positive" CHECK ("duration_minutes" > 0 AND "price_minor" >= 0 AND "buffer_before_minutes" >= 0 AND "buffer_after_minutes" >= 0);
