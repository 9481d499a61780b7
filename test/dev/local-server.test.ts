import { connect } from "node:net";
import { DirgateError } from "@dirgate/core";
import { type LambdaHandler, REQUEST_LIMITS, startLocalServer } from "@dirgate/dev";
import { problemResponse } from "@dirgate/lambda";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call } from "../helpers/sandbox.ts";

/**
 * The local server's own answers, with stand-in functions (no sandbox): one behaviour for one
 * mistake — a URL, headers or a body over API Gateway's limits, a method a path does not take —
 * always a problem+json document with a stable code, never Node's bare status line.
 */
const seen: APIGatewayProxyEventV2[] = [];
const answer: LambdaHandler = async (event) => {
  seen.push(event);
  return {
    statusCode: 200,
    headers: { "content-type": "application/json", "x-route": event.routeKey },
    body: JSON.stringify({ route: event.routeKey, method: event.requestContext.http.method }),
  };
};
const handlers = new Proxy({} as Record<string, LambdaHandler>, { get: () => answer });
let server: Awaited<ReturnType<typeof startLocalServer>>;
let port: number;

beforeAll(async () => {
  server = await startLocalServer({ handlers, port: 0 });
  port = Number(new URL(server.url).port);
});
afterAll(async () => {
  await server.close();
});

/** Writes raw bytes on a socket and answers everything the server sends before closing it. */
function raw(request: string | Buffer, chunks: (string | Buffer)[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(request);
      for (const chunk of chunks) socket.write(chunk);
    });
    let received = "";
    socket.on("data", (data) => {
      received += data.toString("latin1");
    });
    socket.on("close", () => resolve(received));
    socket.on("error", (error) => (received ? resolve(received) : reject(error)));
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

/** Status line and problem document of a raw answer. */
function parse(text: string): { status: number; headers: string; json: any } {
  const [head = "", body = ""] = text.split("\r\n\r\n");
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  return { status, headers: head.toLowerCase(), json: body ? JSON.parse(body) : undefined };
}

describe("local server: requests over API Gateway's limits", () => {
  it("a 17–20 KB URL is 414 REQUEST_TOO_LARGE problem+json, not Node's bare 431", async () => {
    for (const size of [17_000, 20_000]) {
      const res = await call(`${server.url}/v1/connections/demo/users/${"a".repeat(size)}`);
      expect(res.status).toBe(414);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.json).toMatchObject({ code: "REQUEST_TOO_LARGE", status: 414 });
      expect(res.json.detail).toMatch(/URL.*10240 bytes/);
    }
  });

  it("headers whose values pass 10240 bytes with the request line are 431", async () => {
    const res = await call(`${server.url}/v1/health`, { headers: { "x-big": "b".repeat(11_000) } });
    expect(res.status).toBe(431);
    expect(res.json).toMatchObject({ code: "REQUEST_TOO_LARGE", status: 431 });
  });

  it("just under the limit is served", async () => {
    const res = await call(`${server.url}/v1/connections/demo/users/${"a".repeat(9_000)}`);
    expect(res.status).toBe(200);
  });

  it("past what Node's parser reads at all, the same problems on the socket (clientError)", async () => {
    const url = parse(await raw(`GET /v1/${"a".repeat(70_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
    expect([url.status, url.json?.code, url.json?.status]).toEqual([414, "REQUEST_TOO_LARGE", 414]);
    expect(url.headers).toContain("content-type: application/problem+json");
    const headers = parse(
      await raw(`GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(70_000)}\r\n\r\n`),
    );
    expect([headers.status, headers.json?.code]).toEqual([431, "REQUEST_TOO_LARGE"]);
    // A URL that arrives in two writes is still recognised as the URL.
    const split = parse(
      await raw(`GET /v1/${"a".repeat(40_000)}`, [`${"a".repeat(40_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]),
    );
    expect(split.status).toBe(414);
  });

  it("a body over 10 MB is 413, refused from its Content-Length before it is read", async () => {
    const declared = parse(
      await raw(
        `POST /v1/connections/demo/users/by-mobile HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${REQUEST_LIMITS.payloadBytes + 1}\r\n\r\n{`,
      ),
    );
    expect([declared.status, declared.json?.code, declared.json?.status]).toEqual([
      413,
      "REQUEST_TOO_LARGE",
      413,
    ]);
  });

  it("a chunked body that grows past 10 MB is 413 too", async () => {
    const chunk = Buffer.alloc(1024 * 1024, "x");
    const frame = Buffer.concat([
      Buffer.from(`${chunk.length.toString(16)}\r\n`),
      chunk,
      Buffer.from("\r\n"),
    ]);
    const text = await raw(
      "POST /v1/connections/demo/users/by-mobile HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
      Array.from({ length: 11 }, () => frame),
    );
    const answer = parse(text);
    expect([answer.status, answer.json?.code]).toEqual([413, "REQUEST_TOO_LARGE"]);
  });

  it("Expect: 100-continue with an oversize Content-Length gets 413 instead of 100", async () => {
    const text = await raw(
      `POST /v1/connections/demo/users/by-mobile HTTP/1.1\r\nHost: x\r\nContent-Length: ${REQUEST_LIMITS.payloadBytes + 1}\r\nExpect: 100-continue\r\n\r\n`,
    );
    expect(text).not.toContain("100 Continue");
    expect(parse(text).status).toBe(413);
  });

  it("text that is not HTTP is a 400 INVALID_REQUEST problem", async () => {
    const answer = parse(await raw("HELLO\r\n\r\n"));
    expect([answer.status, answer.json?.code]).toEqual([400, "INVALID_REQUEST"]);
  });
});

describe("local server: methods", () => {
  it("a method a path does not take is 405 with Allow (HEAD wherever GET is)", async () => {
    const res = await call(`${server.url}/v1/connections/demo/users/zhangsan`, { method: "DELETE" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(res.json).toMatchObject({ code: "METHOD_NOT_ALLOWED", status: 405 });
    const callback = await call(`${server.url}/v1/connections/demo/callback`, { method: "PUT" });
    expect(callback.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
    // by-mobile is also a user id to the GET route: the path takes both.
    const byMobile = await call(`${server.url}/v1/connections/demo/users/by-mobile`, { method: "PATCH" });
    expect(byMobile.headers.get("allow")).toBe("GET, HEAD, POST, OPTIONS");
  });

  it("HEAD answers as GET without a body: same status, headers and Content-Length", async () => {
    const get = await fetch(`${server.url}/v1/health`);
    const getBody = await get.text();
    const head = await fetch(`${server.url}/v1/health`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(head.headers.get("content-length")).toBe(String(Buffer.byteLength(getBody)));
    expect(head.headers.get("content-type")).toBe(get.headers.get("content-type"));
    // The function ran the GET route, as a GET.
    expect(seen.at(-1)?.requestContext.http.method).toBe("GET");
    expect(head.headers.get("x-route")).toBe("GET /v1/health");
  });

  it("OPTIONS is 204 with Allow; a CORS preflight also gets the CORS headers", async () => {
    const res = await call(`${server.url}/v1/connections/demo/users/zhangsan`, { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(res.text).toBe("");
    const preflight = await call(`${server.url}/v1/connections/demo/users/by-mobile`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");
  });

  it("an unknown path is 404 ROUTE_NOT_FOUND whatever the method", async () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "DELETE"]) {
      const res = await call(`${server.url}/v1/nowhere`, { method });
      expect(res.status, method).toBe(404);
      if (method !== "HEAD") expect(res.json?.code, method).toBe("ROUTE_NOT_FOUND");
    }
  });
});

describe("problemResponse", () => {
  it("takes a status for a code that has several (REQUEST_TOO_LARGE 413/414/431)", () => {
    const error = new DirgateError("REQUEST_TOO_LARGE", "too long");
    const plain = problemResponse(error, "r");
    const uri = problemResponse(error, "r", { status: 414 });
    expect(plain.statusCode).toBe(413);
    expect([uri.statusCode, JSON.parse(uri.body).status, JSON.parse(uri.body).code]).toEqual([
      414,
      414,
      "REQUEST_TOO_LARGE",
    ]);
  });
});
