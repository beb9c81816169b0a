/** With TEST_STORAGE=s3, each test file writes under a key prefix of its own (recording ids repeat across the files' fresh databases). */
import { randomBytes } from "node:crypto";

if (process.env.STORAGE === "s3" && process.env.TEST_STORAGE === "s3") {
  process.env.S3_PREFIX = `run-${randomBytes(6).toString("hex")}/`;
}
