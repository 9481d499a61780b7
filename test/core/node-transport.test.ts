import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { brotliCompressSync, deflateRawSync, gzipSync } from "node:zlib";
import { callUpstream, DEFAULT_HTTP_DEPS, type DirgateError, type HttpDeps, parseJson } from "@dirgate/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createNodeTransport } from "../../packages/core/src/node-transport.ts";

/** A local server whose routes the tests set; it counts the TCP connections it accepted. */
let server: Server;
let base: string;
let connections = 0;
const sockets = new Set<Socket>();
let seen: { method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }[] = [];
let route: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_req, res) => res.end("ok");

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      route(req, res, body);
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on("connection", (socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen = [];
  for (const socket of sockets) socket.destroy();
  connections = 0;
  route = (_req, res) => res.end("ok");
});

const signal = (ms = 2_000) => AbortSignal.timeout(ms);

describe("createNodeTransport", () => {
  it("sends method, headers and body; answers status, headers (case-insensitive, repeated joined) and text", async () => {
    route = (_req, res, body) => {
      res.statusCode = 418;
      res.setHeader("X-Tt-Logid", "log-1");
      res.setHeader("set-cookie", ["a=1", "b=2"]);
      res.setHeader("content-type", "application/json; charset=utf-8");
      res.end(JSON.stringify({ echoed: body, 名前: "张三" }));
    };
    const send = createNodeTransport();
    const answer = await send({
      method: "POST",
      url: `${base}/open-apis/x?user_id_type=user_id&q=%E5%BC%A0`,
      headers: { "Content-Type": "application/json", authorization: "Bearer t-1" },
      body: '{"name":"张三"}',
      signal: signal(),
    });
    expect(answer.status).toBe(418);
    expect(answer.headers.get("x-tt-logid")).toBe("log-1");
    expect(answer.headers.get("X-TT-LOGID")).toBe("log-1");
    expect(answer.headers.get("set-cookie")).toBe("a=1, b=2");
    expect(answer.headers.get("retry-after")).toBeNull();
    expect(JSON.parse(answer.text)).toEqual({ echoed: '{"name":"张三"}', 名前: "张三" });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: "/open-apis/x?user_id_type=user_id&q=%E5%BC%A0",
      body: '{"name":"张三"}',
    });
    expect(seen[0]!.headers).toMatchObject({
      "content-type": "application/json",
      authorization: "Bearer t-1",
      "content-length": String(Buffer.byteLength('{"name":"张三"}')),
      "accept-encoding": "gzip, deflate, br",
      host: new URL(base).host,
    });
  });

  it("answers 4xx and 5xx like any answer (callUpstream's interpret decides), and GET sends no body", async () => {
    route = (_req, res) => {
      res.statusCode = 503;
      res.end("busy");
    };
    const answer = await createNodeTransport()({ method: "GET", url: `${base}/x`, signal: signal() });
    expect(answer).toMatchObject({ status: 503, text: "busy" });
    expect(seen[0]!.headers["content-length"]).toBeUndefined();
    expect(seen[0]!.body).toBe("");
  });

  it("decompresses gzip and drops a UTF-8 BOM, as Response.text() does", async () => {
    route = (_req, res) => {
      res.setHeader("content-encoding", "gzip");
      res.end(gzipSync(Buffer.from('\uFEFF{"ok":true}', "utf8")));
    };
    const answer = await createNodeTransport()({ method: "GET", url: `${base}/gz`, signal: signal() });
    expect(answer.text).toBe('{"ok":true}');
  });

  it("decompresses as fetch does: deflate (zlib or raw), br, a truncated gzip up to where it stops; an empty or unknown-coded body as is", async () => {
    const hex = randomBytes(2_500).toString("hex");
    const answers: Record<string, [string, Buffer]> = {
      "/raw-deflate": ["deflate", deflateRawSync(Buffer.from("raw deflate"))],
      "/br": ["br", brotliCompressSync(Buffer.from("brotli"))],
      "/truncated": ["gzip", gzipSync(Buffer.from(hex)).subarray(0, 1_000)],
      "/empty": ["gzip", Buffer.alloc(0)],
      "/zstd": ["zstd", Buffer.from("not decoded")],
    };
    route = (req, res) => {
      const [coding, body] = answers[req.url!]!;
      res.writeHead(req.url === "/empty" ? 401 : 200, { "content-encoding": coding });
      res.end(body);
    };
    const send = createNodeTransport();
    const get = (path: string) => send({ method: "GET", url: `${base}${path}`, signal: signal() });
    expect((await get("/raw-deflate")).text).toBe("raw deflate");
    expect((await get("/br")).text).toBe("brotli");
    const truncated = (await get("/truncated")).text;
    expect(truncated.length).toBeGreaterThan(0);
    expect(truncated.length).toBeLessThan(hex.length);
    expect(hex.startsWith(truncated)).toBe(true);
    // An auth failure with an empty compressed body is still an answer for interpret to read.
    expect(await get("/empty")).toMatchObject({ status: 401, text: "" });
    expect((await get("/zstd")).text).toBe("not decoded");
  });

  it("bounds the body, as sent and as decompressed: beyond maxBodyBytes the call fails with ERR_BODY_TOO_LARGE", async () => {
    route = (req, res) => {
      if (req.url === "/bomb") {
        res.setHeader("content-encoding", "gzip");
        res.end(gzipSync(Buffer.alloc(1_000_000)));
      } else res.end("y".repeat(2_000));
    };
    const send = createNodeTransport({ maxBodyBytes: 1_000 });
    for (const path of ["/big", "/bomb"]) {
      const error = await send({ method: "GET", url: `${base}${path}`, signal: signal() }).catch(
        (e: unknown) => e,
      );
      expect((error as { code?: string }).code, path).toBe("ERR_BODY_TOO_LARGE");
    }
    route = (_req, res) => res.end("small");
    expect((await send({ method: "GET", url: `${base}/ok`, signal: signal() })).text).toBe("small");
  });

  it("names itself in user-agent unless the caller sets one", async () => {
    const send = createNodeTransport();
    await send({ method: "GET", url: `${base}/ua`, signal: signal() });
    await send({ method: "GET", url: `${base}/ua`, headers: { "User-Agent": "custom/1" }, signal: signal() });
    expect(seen.map((r) => r.headers["user-agent"])).toEqual(["dirgate", "custom/1"]);
  });

  it("reuses one keep-alive connection for calls one after another", async () => {
    const send = createNodeTransport();
    for (let i = 0; i < 5; i += 1) {
      expect((await send({ method: "GET", url: `${base}/k${i}`, signal: signal() })).text).toBe("ok");
    }
    expect(seen).toHaveLength(5);
    expect(connections).toBe(1);
  });

  it("closes an idle keep-alive socket after idleSocketMs, and opens a new one for the next call", async () => {
    const send = createNodeTransport({ idleSocketMs: 60 });
    await send({ method: "GET", url: `${base}/a`, signal: signal() });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await send({ method: "GET", url: `${base}/b`, signal: signal() });
    expect(connections).toBe(2);
  });

  it("never hands out a socket idle for idleSocketMs, even when its idle timer could not run (a Lambda thaw)", async () => {
    // The clock jumps as it does over a freeze: the agent's timer (10 s of real time) has not fired.
    let clock = 1_000_000;
    const send = createNodeTransport({ idleSocketMs: 10_000, now: () => clock });
    await send({ method: "GET", url: `${base}/a`, signal: signal() });
    clock += 5_000;
    await send({ method: "GET", url: `${base}/b`, signal: signal() });
    expect(connections).toBe(1);
    clock += 600_000;
    const answer = await send({ method: "GET", url: `${base}/c`, signal: signal() });
    expect(answer.text).toBe("ok");
    expect(connections).toBe(2);
  });

  it("does not cut a slow answer at idleSocketMs: only the signal bounds a request", async () => {
    route = (_req, res) => setTimeout(() => res.end("late"), 150);
    const send = createNodeTransport({ idleSocketMs: 50 });
    expect((await send({ method: "GET", url: `${base}/late`, signal: signal() })).text).toBe("late");
  });

  it("rejects with the signal's reason when the answer does not come in time, and frees the socket", async () => {
    route = () => {}; // never answers
    const send = createNodeTransport();
    const started = Date.now();
    const error = await send({ method: "GET", url: `${base}/slow`, signal: signal(50) }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(1_500);
    // The next call does not wait behind the abandoned one.
    route = (_req, res) => res.end("ok");
    expect((await send({ method: "GET", url: `${base}/next`, signal: signal() })).text).toBe("ok");
  });

  it("bounds the body too: a server that sends headers then stalls is a timeout", async () => {
    route = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"partial":');
    };
    const error = await createNodeTransport()({
      method: "GET",
      url: `${base}/stall`,
      signal: signal(80),
    }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
  });

  it("rejects an already aborted signal without a request", async () => {
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    const error = await createNodeTransport()({
      method: "GET",
      url: `${base}/x`,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("gone");
    expect(seen).toHaveLength(0);
  });

  it("rejects a refused connection with Node's code", async () => {
    const error = await createNodeTransport()({
      method: "GET",
      url: "http://127.0.0.1:1/x",
      signal: signal(),
    }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe("ECONNREFUSED");
  });

  it("rejects a connection the server drops mid-answer", async () => {
    route = (req, res) => {
      res.writeHead(200);
      res.write("half");
      setTimeout(() => req.socket.destroy(), 10);
    };
    const error = await createNodeTransport()({ method: "GET", url: `${base}/drop`, signal: signal() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toMatch(/^ECONNRESET$|^ERR_STREAM_PREMATURE_CLOSE$/);
  });
});

describe("callUpstream over the node transport", () => {
  const deps = (overrides: Partial<HttpDeps> = {}): HttpDeps => ({
    ...DEFAULT_HTTP_DEPS,
    send: createNodeTransport(),
    sleep: async () => {},
    ...overrides,
  });
  const request = (path: string) => ({
    name: "local.call",
    method: "GET" as const,
    url: `${base}${path}?access_token=tok-node-1`,
    secrets: ["tok-node-1"],
  });

  it("returns the interpreted answer", async () => {
    route = (_req, res) => res.end('{"ok":true}');
    await expect(callUpstream(request("/ok"), (r) => parseJson(r, "local.call"), deps())).resolves.toEqual({
      ok: true,
    });
  });

  it("classifies a timeout as UPSTREAM_TIMEOUT and retries it", async () => {
    route = () => {};
    const error = (await callUpstream(request("/slow"), (r) => r.text, deps({ timeoutMs: 40 })).catch(
      (e: unknown) => e,
    )) as DirgateError;
    expect(error.code).toBe("UPSTREAM_TIMEOUT");
    expect(error.retryable).toBe(true);
    expect(seen).toHaveLength(DEFAULT_HTTP_DEPS.maxAttempts);
  });

  it("classifies a refused connection as UPSTREAM_UNAVAILABLE, named by its code, without the token", async () => {
    const error = (await callUpstream(
      { ...request("/x"), url: "http://127.0.0.1:1/x?access_token=tok-node-1" },
      (r) => r.text,
      deps(),
    ).catch((e: unknown) => e)) as DirgateError;
    expect(error.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(error.message).toBe("local.call: ECONNREFUSED");
    expect(JSON.stringify(error)).not.toContain("tok-node-1");
  });
});
