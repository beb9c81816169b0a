import path from "node:path";
import { env } from "@/lib/env";
import { BlockCache, removeStaleProcessFolders } from "./cache";
import { LocalDiskStorage } from "./local";
import { createS3Client, S3Storage, type S3Settings } from "./s3";
import type { Storage } from "./types";

export type { HeldObjects, ObjectLocking, ObjectLockMode, ObjectLockRequest, ObjectLockState, Storage, StoredObject } from "./types";
export { storageKeys } from "./keys";
export { describeStoreError, isStoreError, StoreError } from "./errors";

let instance: Storage | undefined;

/** The S3 settings from the environment (STORAGE=s3). */
export function s3SettingsFromEnv(): S3Settings {
  return {
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET!,
    prefix: env.S3_PREFIX,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    objectLock: env.S3_OBJECT_LOCK === "off" ? undefined : env.S3_OBJECT_LOCK === "compliance" ? "COMPLIANCE" : "GOVERNANCE",
  };
}

/** An S3 store with this node's folders under `dataDir` (staging and cache per process, held chunks per node). */
export function createS3Storage(settings: S3Settings, dataDir: string, options: { cacheBytes?: number } = {}): S3Storage {
  const perProcess = (name: string) => path.join(dataDir, name, String(process.pid));
  void removeStaleProcessFolders(path.join(dataDir, "staging"));
  void removeStaleProcessFolders(path.join(dataDir, "cache"));
  void removeStaleProcessFolders(path.join(dataDir, "downloads"));
  const cacheBytes = options.cacheBytes ?? env.S3_CACHE_MB * 1024 * 1024;
  return new S3Storage(
    settings,
    createS3Client(settings),
    { staging: perProcess("staging"), held: path.join(dataDir, "held"), downloads: perProcess("downloads") },
    cacheBytes > 0 ? new BlockCache(perProcess("cache"), cacheBytes) : null,
    // A body read from a file cannot be rewound by the SDK: those writes retry themselves.
    createS3Client(settings, { maxAttempts: 1 }),
  );
}

/** The configured storage: local disk under DATA_DIR/recordings, or the S3-compatible store (STORAGE=s3). */
export function getStorage(): Storage {
  instance ??= env.STORAGE === "s3" ? createS3Storage(s3SettingsFromEnv(), env.DATA_DIR) : new LocalDiskStorage(path.join(env.DATA_DIR, "recordings"));
  return instance;
}

/**
 * Checks at start that the configured store can be used, so that a wrong
 * bucket or key is an error now and not at the first upload. A store that
 * cannot be reached only warns: chunks are then held on this node until it answers.
 */
export async function checkStorageAtStart(node: string, storage: Storage = getStorage()): Promise<void> {
  if (!(storage instanceof S3Storage)) return;
  try {
    await storage.checkAccess(node);
    console.log(`[storage] ${storage.describe()}: bucket reachable, write, read and delete checked`);
    if (storage.lock) {
      await storage.checkObjectLock();
      console.log(`[storage] ${storage.describe()}: Object Lock enabled; recordings are written locked (${storage.lock.mode})`);
    }
  } catch (error) {
    const kind = (error as { detail?: { kind?: string } }).detail?.kind;
    if (kind === "unreachable" || kind === "busy") {
      console.warn(`[storage] ${(error as Error).message}; chunks received meanwhile stay on this node until the store answers`);
      return;
    }
    const code = (error as { detail?: { code?: string } }).detail?.code;
    if (code === "ObjectLockConfigurationNotFoundError") {
      throw new Error(
        `STORAGE=s3: ${(error as Error).message}; S3_OBJECT_LOCK=${env.S3_OBJECT_LOCK} needs a bucket created with Object Lock (see the README), or set S3_OBJECT_LOCK=off`,
      );
    }
    const hint =
      code === "NoSuchBucket" || /does not exist/.test((error as Error).message)
        ? "check S3_BUCKET (and S3_ENDPOINT, S3_REGION)"
        : "check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (and the bucket policy)";
    throw new Error(`STORAGE=s3: ${(error as Error).message}; ${hint}`);
  }
}
