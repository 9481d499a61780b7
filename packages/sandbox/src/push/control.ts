import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  type DemoOrg,
  type Department,
  type Membership,
  type NewDepartment,
  type NewPerson,
  OrgError,
  type Person,
} from "../org.ts";
import type { CallbackKnobs, CallbackPushers } from "./pusher.ts";

/**
 * The sandbox's control server: changes the demo organisation from outside the process (the
 * `npm run sandbox -- org …` commands) and drives the callback pushers. JSON in, JSON out, on
 * 127.0.0.1 only. Every change goes through the org's own functions, so each one reaches the
 * emulators and the pushers exactly as an in-process change would.
 *
 * ```
 * GET    /org/people/:key            GET    /org/departments/:key
 * POST   /org/people                 POST   /org/departments
 * PATCH  /org/people/:key            PATCH  /org/departments/:key
 * DELETE /org/people/:key            DELETE /org/departments/:key
 * GET    /callbacks                  (connections, targets, knobs)
 * PUT    /callbacks/target           {"baseUrl": "http://127.0.0.1:3000" | null, "verify"?, "connections"?}
 * POST   /callbacks/verify           {"connection"?}
 * POST   /callbacks/knobs            {"retryScale"?, "duplicateRate"?, "tamper"?, "wecomFields"?, …}
 * GET    /callbacks/deliveries | /callbacks/events | /callbacks/failed
 * POST   /callbacks/idle             (answers once nothing is pending)
 * ```
 *
 * People and departments are found by key, else by user id / DingTalk department id. Person bodies
 * take `Person` fields (`null` clears an optional one) plus shortcuts: `departments: ["rd", …]`
 * (memberships, the first primary; existing ones keep their order and leader flag), `manager`
 * (a key, or null), and a partial `in` merged into the current one.
 */

/** The port `npm run sandbox` tries first, so that the CLI finds a running sandbox without flags. */
export const DEFAULT_CONTROL_PORT = 4599;

export interface ControlServer {
  readonly baseUrl: string;
  start(port?: number, options?: { fallbackToFreePort?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

type Reply = { status: number; body: unknown };

export function createControlServer(org: DemoOrg, callbacks: CallbackPushers): ControlServer {
  let server: Server | undefined;
  let port = 0;
  const sockets = new Set<Socket>();

  function person(id: string): Person | undefined {
    return org.personByKey.get(id) ?? org.people.find((p) => p.userId === id);
  }
  function department(id: string): Department | undefined {
    return org.departmentByKey.get(id) ?? org.departments.find((d) => String(d.dingtalkId) === id);
  }

  /** Shortcuts and `null`s → the org's `PersonChanges`. */
  function personChanges(body: Record<string, unknown>, current?: Person): Record<string, unknown> {
    const changes: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(body)) {
      if (field === "departments" || field === "manager") continue;
      changes[field] = value === null ? undefined : value;
    }
    if (body["departments"] !== undefined) {
      const keys = body["departments"];
      if (!Array.isArray(keys) || keys.some((k) => typeof k !== "string")) {
        throw new OrgError("departments is a list of department keys");
      }
      const nextOrder = Math.max(0, ...org.people.flatMap((p) => p.memberships.map((m) => m.order))) + 1;
      changes["memberships"] = (keys as string[]).map((key, i): Membership => {
        const existing = current?.memberships.find((m) => m.deptKey === key);
        return {
          deptKey: department(key)?.key ?? key,
          order: existing?.order ?? nextOrder + i,
          leader: existing?.leader ?? false,
          primary: i === 0,
        };
      });
    }
    if ("manager" in body) {
      const manager = body["manager"];
      changes["managerKey"] =
        manager === null
          ? undefined
          : typeof manager === "string"
            ? (person(manager)?.key ?? manager)
            : manager;
    }
    if (body["in"] !== undefined && current) changes["in"] = { ...current.in, ...(body["in"] as object) };
    return changes;
  }

  function departmentChanges(body: Record<string, unknown>): Record<string, unknown> {
    const changes: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(body)) {
      changes[field] = value === null ? undefined : value;
    }
    if (typeof body["parentKey"] === "string")
      changes["parentKey"] = department(body["parentKey"])?.key ?? body["parentKey"];
    return changes;
  }

  async function route(method: string, path: string, body: Record<string, unknown>): Promise<Reply> {
    const [, area, kind, id] = path.split("/").map(decodeURIComponent);
    if (area === "org" && (kind === "people" || kind === "departments")) {
      const people = kind === "people";
      if (id === undefined) {
        if (method !== "POST") return { status: 405, body: { error: `${method} ${path}` } };
        if (people) return { status: 201, body: org.addPerson(personChanges(body) as unknown as NewPerson) };
        return { status: 201, body: org.addDepartment(departmentChanges(body) as unknown as NewDepartment) };
      }
      const found = people ? person(id) : department(id);
      if (!found) return { status: 404, body: { error: `no ${people ? "person" : "department"} ${id}` } };
      switch (method) {
        case "GET":
          return { status: 200, body: found };
        case "PATCH":
          return {
            status: 200,
            body: people
              ? org.updatePerson(found.key, personChanges(body, found as Person))
              : org.updateDepartment(found.key, departmentChanges(body)),
          };
        case "DELETE":
          return {
            status: 200,
            body: people ? org.removePerson(found.key) : org.removeDepartment(found.key),
          };
        default:
          return { status: 405, body: { error: `${method} ${path}` } };
      }
    }
    if (area === "callbacks") {
      const key = `${method} ${kind ?? ""}`;
      switch (key) {
        case "GET ":
          return {
            status: 200,
            body: {
              connections: callbacks.connections(),
              targets: callbacks.targets(),
              knobs: callbacks.knobs,
            },
          };
        case "GET deliveries":
          return { status: 200, body: callbacks.deliveries() };
        case "GET events":
          return { status: 200, body: callbacks.events() };
        case "GET failed":
          return { status: 200, body: callbacks.failed() };
        case "PUT target": {
          const baseUrl = body["baseUrl"];
          if (baseUrl !== null && typeof baseUrl !== "string") throw new OrgError("baseUrl is a URL or null");
          const verifications = await callbacks.setTarget(baseUrl, {
            verify: body["verify"] !== false,
            ...(Array.isArray(body["connections"]) ? { connections: body["connections"] as string[] } : {}),
          });
          return { status: 200, body: { targets: callbacks.targets(), verifications } };
        }
        case "POST verify": {
          const connection = typeof body["connection"] === "string" ? body["connection"] : undefined;
          return { status: 200, body: await callbacks.verifyCallbackUrl(connection) };
        }
        case "POST knobs":
          return { status: 200, body: callbacks.setKnobs(body as Partial<CallbackKnobs>) };
        case "POST idle":
          await callbacks.idle();
          return { status: 200, body: { idle: true } };
      }
    }
    return { status: 404, body: { error: `no control endpoint ${method} ${path}` } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, rawBody: string): Promise<void> {
    let reply: Reply;
    try {
      const parsed: unknown = rawBody ? JSON.parse(rawBody) : {};
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        reply = { status: 400, body: { error: "the body is a JSON object" } };
      } else {
        const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname.replace(/\/+$/, "");
        reply = await route(req.method ?? "GET", path, parsed as Record<string, unknown>);
      }
    } catch (error) {
      // What the org or the pushers refuse (OrgError, a bad knob, bad JSON, a bad URL) is the caller's to fix.
      reply = { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
    const payload = JSON.stringify(reply.body, null, 2);
    res.writeHead(reply.status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": String(Buffer.byteLength(payload)),
    });
    res.end(payload);
  }

  return {
    get baseUrl() {
      if (!server) throw new Error("the control server is not started");
      return `http://127.0.0.1:${port}`;
    },
    async start(wanted = 0, options = {}) {
      const listen = (p: number) =>
        new Promise<Server>((resolve, reject) => {
          const s = createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => void handle(req, res, Buffer.concat(chunks).toString("utf8")));
          });
          s.on("connection", (socket) => {
            sockets.add(socket);
            socket.on("close", () => sockets.delete(socket));
          });
          s.once("error", reject);
          s.listen(p, "127.0.0.1", () => resolve(s));
        });
      try {
        server = await listen(wanted);
      } catch (error) {
        if (!options.fallbackToFreePort || (error as NodeJS.ErrnoException).code !== "EADDRINUSE")
          throw error;
        server = await listen(0);
      }
      port = (server.address() as AddressInfo).port;
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
