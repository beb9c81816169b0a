import "server-only";
import type { z } from "zod";
import type { Watcher } from "@/lib/access";
import { getAssessor } from "@/lib/access/sharing";
import { getSessionToken, getViewer, type SessionToken, type Viewer } from "@/lib/auth/viewer";
import type { ApiToken } from "@/lib/db/schema";
import { AppError, describeError } from "@/lib/errors";
import { authenticateApiToken } from "@/lib/tokens";
import { errorResponse } from "./responses";

/**
 * Who may call a route:
 * - `proxy`: a session proxy with an API token (`Authorization: Bearer svt_…`).
 *   The token is checked before anything else of the request is read, so a
 *   request without a valid one gets 401 and touches nothing.
 * - `viewer`: a signed-in person (the next-auth session cookie, account checked).
 * - `session-cookie`: the session cookie decoded but the account not read yet,
 *   for routes that check the account together with what they serve in one
 *   query (the HLS routes, several requests a second per player).
 * - `watcher`: a signed-in person, or else an assessor of a sharing link (their
 *   own cookie, lib/access/sharing.ts), for the few routes an assessor may
 *   reach (a shared session's download). The handler must check which one it
 *   got: an assessor is never a `viewer`.
 * - `anyone`: no check (the OpenAPI document), or a check of the route's own
 *   (the HLS routes: defineMediaRoute, lib/hls/http.ts).
 */
export type Caller = "proxy" | "viewer" | "session-cookie" | "watcher" | "anyone";

type CallerOf<C extends Caller> = C extends "proxy"
  ? { token: ApiToken }
  : C extends "viewer"
    ? { viewer: Viewer }
    : C extends "session-cookie"
      ? { sessionToken: SessionToken }
      : C extends "watcher"
        ? { watcher: Watcher }
        : object;

export type RouteContext<C extends Caller, P> = { request: Request; params: P } & CallerOf<C>;

type NextContext = { params: Promise<Record<string, string | string[]>> };

const SIGN_IN = "Sign in to see this.";
const TOKEN_REQUIRED = "A valid API token is required (Authorization: Bearer svt_…).";

/**
 * The one wrapper of every route handler: the path parameters are parsed with
 * zod (400 naming the field), the caller is checked (401), the handler runs,
 * and an AppError becomes `{ error, field, issues }` with its status. Anything
 * else thrown is logged with the route's name and answered with a plain 500
 * that leaks nothing. Access to what was asked for (403, or the 404 that a
 * hidden session shares with a missing one) is the handler's, through lib/.
 */
export function defineRoute<C extends Caller, P extends z.ZodType = z.ZodObject<Record<string, never>>>(config: {
  /** Names the route in the server log. */
  name: string;
  caller: C;
  params?: P;
  /** What a 401 says, e.g. "Sign in to play this session." */
  signIn?: string;
  handler: (context: RouteContext<C, z.infer<P>>) => Promise<Response>;
}): (request: Request, context?: NextContext) => Promise<Response> {
  return async (request, context) => {
    try {
      let caller: object = {};
      if (config.caller === "proxy") {
        const token = await authenticateApiToken(request);
        if (!token) return tokenRequired();
        caller = { token };
      }
      let params = {} as z.infer<P>;
      if (config.params) {
        const parsed = config.params.safeParse(await context?.params);
        if (!parsed.success) throw AppError.fromZod(parsed.error, { status: 400 });
        params = parsed.data;
      }
      if (config.caller === "viewer") {
        const viewer = await getViewer();
        if (!viewer) return signInResponse(config.signIn);
        caller = { viewer };
      } else if (config.caller === "watcher") {
        const viewer = await getViewer();
        const assessor = viewer ? null : await getAssessor();
        if (!viewer && !assessor) return signInResponse(config.signIn);
        caller = { watcher: viewer ? { kind: "account", viewer } : assessor! };
      } else if (config.caller === "session-cookie") {
        const sessionToken = await getSessionToken();
        if (!sessionToken) return signInResponse(config.signIn);
        caller = { sessionToken };
      }
      return await config.handler({ request, params, ...caller } as RouteContext<C, z.infer<P>>);
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        return config.caller === "proxy" ? tokenRequired(error.message) : signInResponse(error.message);
      }
      if (error instanceof AppError) return errorResponse(error);
      // Ids and the error only: never the request's contents (describeError leaves the values out).
      console.error(`[http] ${config.name} failed: ${describeError(error)}`);
      return errorResponse(new AppError("The server could not do this. The error was logged; retry later.", 500));
    }
  };
}

/** 401 for a proxy without a valid token: nothing of the request was read. */
export function tokenRequired(message = TOKEN_REQUIRED): Response {
  return errorResponse(new AppError(message, 401), { "WWW-Authenticate": 'Bearer realm="session-video"' });
}

/** 401 for a signed-out (or signed-out-since) viewer; the same answer whatever was asked for. */
export function signInResponse(message = SIGN_IN): Response {
  return errorResponse(new AppError(message, 401), { "WWW-Authenticate": 'Cookie realm="session-video"' });
}
