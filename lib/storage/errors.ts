/**
 * What can go wrong with a shared store, in words a person can act on. The
 * S3 backend turns the SDK's errors into these; callers tell "the store could
 * not take it now" (keep the bytes here and try again later) from "no such
 * object" (ENOENT, like the local disk) without knowing about S3.
 */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly detail: {
      /** unreachable: no answer (refused, timed out, reset); busy: 503/SlowDown; refused: 4xx (credentials, bucket, policy); corrupt: the bytes or their checksum did not match; locked: Object Lock keeps the object (retention or legal hold). */
      kind: "unreachable" | "busy" | "refused" | "corrupt" | "failed" | "locked";
      status?: number;
      code?: string;
    },
  ) {
    super(message);
    this.name = "StoreError";
  }
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}

/** An error with `code: "ENOENT"`, as the local disk throws for a missing object. */
export function notFound(key: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`No such object: ${key}`);
  error.code = "ENOENT";
  return error;
}

/** The reason of an error in one line, for a status page or a log: never a stack. */
export function describeStoreError(error: unknown): string {
  if (error instanceof StoreError) return error.message;
  if (error instanceof Error) return error.message.split("\n")[0] ?? error.name;
  return String(error);
}
