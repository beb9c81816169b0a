/** The sizes the ingestion API accepts (the routes enforce them, the OpenAPI document states them). */

/** The largest chunk accepted; proxies send a few MiB at a time. */
export const MAX_CHUNK_BYTES = 256 * 1024 * 1024;
/** The largest events batch (JSON lines or a JSON array). */
export const MAX_EVENTS_BATCH_BYTES = 8 * 1024 * 1024;
export const MAX_EVENTS_PER_BATCH = 20_000;
