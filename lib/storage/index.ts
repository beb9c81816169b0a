import path from "node:path";
import { env } from "@/lib/env";
import { LocalDiskStorage } from "./local";
import type { Storage } from "./types";

export type { Storage, StoredObject } from "./types";
export { storageKeys } from "./keys";

let instance: Storage | undefined;

/** The configured storage: local disk under DATA_DIR/recordings. */
export function getStorage(): Storage {
  instance ??= new LocalDiskStorage(path.join(env.DATA_DIR, "recordings"));
  return instance;
}
