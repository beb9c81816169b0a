/**
 * A local server that speaks S3's protocol, for the tests, the benchmark and
 * `npm run cluster:demo`: fauxqs (an npm package; in memory, byte-exact,
 * correct ranges and multipart) behind a small HTTP relay of ours that can
 * stop answering and come back (the relay's port stays the same, the objects
 * stay in memory), and counts the requests it relays.
 *
 * fauxqs checks no credentials and no checksums: what only a real store does
 * (a bad digest, 503 SlowDown, a 412, refused credentials) is tested against a
 * stub of the SDK client instead.
 */
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { startFauxqs } from "fauxqs";

export type LocalS3 = {
  endpoint: string;
  port: number;
  bucket: string;
  /** The environment a node needs to use this store. */
  env: Record<string, string>;
  /** Requests relayed so far, by method (GET, PUT…). */
  requests: Record<string, number>;
  /** Stops answering: open connections are cut and new ones refused, as a store that went down. */
  pause(): Promise<void>;
  /** Answers again on the same port, with every object it had. */
  resume(): Promise<void>;
  stop(): Promise<void>;
};

export async function startLocalS3({
  bucket = "session-video",
  port = 0,
  host = "127.0.0.1",
}: { bucket?: string; port?: number; host?: string } = {}): Promise<LocalS3> {
  const backend = await startFauxqs({ port: 0, logger: false, host: "127.0.0.1" } as Parameters<typeof startFauxqs>[0]);
  backend.createBucket(bucket);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const requests: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const relay = http.createServer((req, res) => {
    requests[req.method ?? "?"] = (requests[req.method ?? "?"] ?? 0) + 1;
    const upstream = http.request({ host: "127.0.0.1", port: backend.port, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  relay.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const listen = (p: number) => new Promise<void>((resolve, reject) => relay.once("error", reject).listen(p, host, () => resolve()));
  await listen(port);
  const actualPort = (relay.address() as AddressInfo).port;
  const endpoint = `http://${host}:${actualPort}`;
  const close = () =>
    new Promise<void>((resolve) => {
      if (!relay.listening) return resolve();
      relay.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  return {
    endpoint,
    port: actualPort,
    bucket,
    requests,
    env: {
      STORAGE: "s3",
      S3_ENDPOINT: endpoint,
      S3_REGION: "us-east-1",
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: "local",
      S3_SECRET_ACCESS_KEY: "local-secret",
      S3_FORCE_PATH_STYLE: "1",
    },
    pause: close,
    resume: () => (relay.listening ? Promise.resolve() : listen(actualPort)),
    stop: async () => {
      await close();
      agent.destroy();
      await backend.stop();
    },
  };
}
