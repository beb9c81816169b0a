"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { viewerTimeZone } from "@/app/_components/time";
import { defineAction } from "@/lib/actions/define-action";
import { requestIp } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { placeHolds } from "@/lib/retention";
import { hasFilters, parseSessionListQuery, toSessionFilter } from "@/lib/sessions/filters";
import { listSessionIdsMatching } from "@/lib/sessions/queries";

/** At most this many sessions are put on hold from one search; a wider one is refused (narrow it). */
const MAX_HELD_AT_ONCE = 10_000;

const text = z.string().max(300).optional();

/** Remote sessions › "Put on hold": every session the list's search finds (admins, reason required, audited). */
export const holdSearchAction = defineAction({
  schema: z.object({
    q: text,
    type: text,
    status: text,
    from: text,
    to: text,
    crit: text,
    hold: text,
    reason: z.string().trim().min(1, "Give a reason.").max(1000, "At most 1,000 characters."),
    caseReference: z.string().trim().max(200, "At most 200 characters.").optional(),
  }),
  roles: ["admin"],
  run: async ({ reason, caseReference, ...raw }, viewer) => {
    const { query, errors } = parseSessionListQuery(raw);
    if (errors.length) throw new AppError(errors.join(" "), 400);
    if (!hasFilters(query)) throw new AppError("Filter the list first: a hold applies to the sessions a search finds.", 400);
    const filter = toSessionFilter(query, await viewerTimeZone());
    const ids = await listSessionIdsMatching({ viewer, filter, limit: MAX_HELD_AT_ONCE + 1 });
    if (ids.length > MAX_HELD_AT_ONCE) throw new AppError(`The search finds more than ${MAX_HELD_AT_ONCE.toLocaleString("en")} sessions. Narrow it.`, 400);
    const { placed, alreadyHeld } = await placeHolds({
      actor: viewer,
      ip: await requestIp(),
      sessionIds: ids,
      reason,
      caseReference,
      scope: { search: query },
    });
    revalidatePath("/sessions");
    return { message: `${placed} session${placed === 1 ? "" : "s"} put on hold${alreadyHeld ? `; ${alreadyHeld} already on hold` : ""}.` };
  },
});
