import { cookies } from "next/headers";
import { DEFAULT_TIME_ZONE, formatDateTime, isValidTimeZone } from "@/lib/format";

/** The viewer's time zone, from the cookie the browser sets (see TimeZoneCookie). */
export async function viewerTimeZone(): Promise<string> {
  const tz = (await cookies()).get("tz")?.value;
  return isValidTimeZone(tz) ? tz : DEFAULT_TIME_ZONE;
}

/** A date in the viewer's time zone; the exact ISO time shows on hover. */
export async function Time({ date }: { date: Date | null }) {
  if (!date) return <span className="muted">—</span>;
  const tz = await viewerTimeZone();
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {formatDateTime(date, tz)}
    </time>
  );
}
