/**
 * Import boundaries of the architecture (README, "Architecture"): imports point
 * down, never in a circle. `npm run boundaries`; part of `npm run check`.
 *
 * Type-only imports count as well (tsPreCompilationDeps): an upward arrow is one
 * even when it carries only types. Tests are not cruised: they may reach any module.
 */

// Floor 3: one folder of lib/ per capability.
const capabilities = [
  "audit",
  "auth",
  "users",
  "settings",
  "tokens",
  "sessions",
  "recordings",
  "analysis",
  "ingest",
  "hls",
  "player",
  "exports",
  "email",
  "access",
  "review",
  "demo",
  "setup",
  "live",
  "retention",
  // The HTTP layer of route handlers: above auth and tokens (it checks the caller), below the capabilities that serve HTTP.
  "http",
];
// Floor 4: the entry points above the capabilities.
const entryPoints = ["actions", "worker", "cli"];

const folders = (names) => `^lib/(${names.join("|")})(/|\\.ts$)`;
// Floors 1 and 2: what every capability may build on.
const foundation = ["^lib/(db|jobs|storage|media|domain|format)/", "^lib/(env|errors)\\.ts$"];
const floor1 = ["^lib/(domain|format)/", "^lib/(env|errors)\\.ts$"];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A circle of imports, type-only ones included, in lib/ or app/. Capabilities may import each other, never in a circle.",
      severity: "error",
      from: { path: "^(lib|app)/" },
      to: { circular: true },
    },
    {
      name: "foundation-imports-no-capability",
      comment:
        "lib/db, lib/jobs, lib/storage, lib/media, lib/domain, lib/format, lib/env.ts and lib/errors.ts import no capability (lib/http included) and no entry point (actions, worker, cli).",
      severity: "error",
      from: { path: foundation },
      to: { path: folders([...capabilities, ...entryPoints]) },
    },
    {
      name: "job-handlers-only-from-worker",
      comment: "A job handler (lib/<capability>/jobs/) is imported by lib/worker/ only; everyone else queues the job through its contract in lib/jobs/.",
      severity: "error",
      from: { pathNot: "^lib/worker/" },
      to: { path: "^lib/[^/]+/jobs/" },
    },
    {
      name: "ingest-queries-stay-in-ingest",
      comment: "lib/ingest/queries reaches sessions by hash without a viewer: nothing outside lib/ingest/ may import it.",
      severity: "error",
      from: { pathNot: "^lib/ingest/" },
      to: { path: "^lib/ingest/queries(\\.ts$|/)" },
    },
    {
      name: "lib-imports-no-app",
      comment: "lib/ never imports app/ (pages, route handlers, server actions sit on top).",
      severity: "error",
      from: { path: "^lib/" },
      to: { path: "^app/" },
    },
    {
      name: "db-and-jobs-import-no-entry-point",
      comment: "lib/db and lib/jobs never import lib/http, lib/actions, lib/worker or lib/cli.",
      severity: "error",
      from: { path: "^lib/(db|jobs)/" },
      to: { path: folders(entryPoints) },
    },
    {
      name: "capabilities-import-no-entry-point",
      comment: "Imports point down: a capability does not import lib/actions, lib/worker or lib/cli.",
      severity: "error",
      from: { path: folders(capabilities) },
      to: { path: folders(entryPoints) },
    },
    {
      name: "floor-1-imports-only-floor-1",
      comment: "Imports point down: lib/domain, lib/format, lib/env.ts and lib/errors.ts import nothing else of lib/.",
      severity: "error",
      from: { path: floor1 },
      to: { path: "^lib/", pathNot: floor1 },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import the check cannot resolve (a wrong path, or an alias it does not know) would slip past every rule above.",
      severity: "error",
      from: { path: "^(lib|app)/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // `import type` and `import { type X }` are dependencies too.
    tsPreCompilationDeps: true,
    // Resolves the `@/` alias.
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
