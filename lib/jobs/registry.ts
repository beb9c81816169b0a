import type { JobDefinition } from "./define-job";
import type { z } from "zod";

/** Every background job the worker runs. Add a job here when you add its file. */
export const JOBS: JobDefinition<z.ZodType>[] = [];
