import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { JOBS } from "@/lib/jobs";
import { HANDLERS } from "@/lib/worker/handlers";

const jobsDir = path.resolve(import.meta.dirname, "../../lib/jobs");
/** The files of lib/jobs that are the queue itself, not a job's contract. */
const NOT_CONTRACTS = new Set(["index.ts", "queue.ts", "define-job.ts"]);

describe("background jobs", () => {
  it("the worker has exactly one handler for each job contract", () => {
    const contracts = JOBS.map((j) => j.name).sort();
    const handled = HANDLERS.map((h) => h.job.name).sort();
    expect(handled).toEqual(contracts);
    expect(new Set(handled).size).toBe(handled.length);
    // Each handler serves the contract object itself, not a copy with the same name.
    for (const handler of HANDLERS) expect(JOBS).toContain(handler.job);
  });

  it("every contract file of lib/jobs is listed in JOBS", () => {
    const files = readdirSync(jobsDir).filter((f) => f.endsWith(".ts") && !NOT_CONTRACTS.has(f));
    expect(files.map((f) => f.replace(/\.ts$/, "")).sort()).toEqual(JOBS.map((j) => j.name).sort());
  });

  it("queue names are stable, unique and valid pg-boss names", () => {
    for (const job of JOBS) expect(job.name).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(new Set(JOBS.map((j) => j.name)).size).toBe(JOBS.length);
  });
});
