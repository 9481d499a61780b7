import { lambdaContext } from "@dirgate/dev";
import { type Emulator, inWeCom, type Person, type RecordedRequest, type Sandbox } from "@dirgate/sandbox";
import { apiEvent } from "../test/helpers/lambda.ts";
import { type Figure, functionEnv, round } from "./lib.ts";

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
type Provider = "dingtalk" | "feishu" | "wecom" | "eiam";

const LABEL: Record<Provider, string> = {
  dingtalk: "DingTalk",
  feishu: "Feishu",
  wecom: "WeCom",
  eiam: "EIAM",
};

/** Token endpoints: not counted as directory calls (the walks start with a token in hand). */
const TOKEN_PATHS = new Set([
  "/gettoken",
  "/open-apis/auth/v3/tenant_access_token/internal",
  "/cgi-bin/gettoken",
  "/api/v2/tenant/token",
]);

/** The member-page endpoint of each provider, as the emulators count it. */
const MEMBER_ROUTE: Record<Provider, string> = {
  dingtalk: "POST /topapi/v2/user/list",
  feishu: "GET /open-apis/contact/v3/users/find_by_department",
  wecom: "GET /cgi-bin/user/list",
  eiam: "GET /api/v2/tenant/users",
};

const FEISHU_MEMBERS = MEMBER_ROUTE.feishu;
const FEISHU_BATCH_GET_ID = "POST /open-apis/contact/v3/users/batch_get_id";
const FEISHU_USER = "GET /open-apis/contact/v3/users/:user_id";
const FEISHU_USERS_BATCH = "GET /open-apis/contact/v3/users/batch";
/** Feishu's documented limit of find_by_department (DESIGN §2, PROTOCOLS). */
const FEISHU_RATE = 50;

/**
 * Directory figures: (a) a recursive listing of the whole demo org on each provider, upstream calls
 * against the minimum; (b) a Feishu walk paced by the connection's `rateLimit` against the
 * emulator's limit; (c) `usersLookup` of 100 Feishu mobiles against 100 single lookups. Everything
 * through the functions' handlers (functions/*.ts), in process.
 */
export async function directoryFigures(sbx: Sandbox, quick: boolean): Promise<Figure[]> {
  sbx.reset();
  Object.assign(process.env, functionEnv(sbx));
  const departmentUsers = (await import("../functions/department-users.ts")).handler as unknown as Handler;
  const usersLookup = (await import("../functions/users-lookup.ts")).handler as unknown as Handler;
  const usersByMobile = (await import("../functions/users-by-mobile.ts")).handler as unknown as Handler;
  return [
    ...(await wholeOrgWalks(sbx, departmentUsers)),
    ...(await pacedWalks(sbx, departmentUsers, quick)),
    ...(await feishuLookups(sbx, usersLookup, usersByMobile)),
  ];
}

interface Walk {
  people: string[];
  pages: number;
  ms: number;
  /** The status and body of a page that failed (the walk stops there). */
  failed?: { status: number; body: string };
}

/** Every page of a recursive listing of `departmentId`, following nextPageToken. */
async function walk(handler: Handler, connection: string, departmentId: string): Promise<Walk> {
  const people: string[] = [];
  let pages = 0;
  let pageToken: string | undefined;
  const started = performance.now();
  do {
    const query = new URLSearchParams({ recursive: "true", pageSize: "100" });
    if (pageToken) query.set("pageToken", pageToken);
    const path = `/v1/connections/${connection}/departments/${encodeURIComponent(departmentId)}/users?${query}`;
    const out = await handler(apiEvent("GET", path), lambdaContext("bench-directory", 60_000));
    if (out.statusCode !== 200) {
      return {
        people,
        pages,
        ms: performance.now() - started,
        failed: { status: out.statusCode, body: out.body },
      };
    }
    const page = JSON.parse(out.body) as { items: { id: string }[]; nextPageToken: string | null };
    people.push(...page.items.map((u) => u.id));
    pageToken = page.nextPageToken ?? undefined;
    pages += 1;
  } while (pageToken);
  return { people, pages, ms: performance.now() - started };
}

/** A request as the provider would see it again: the token (query or header) left out. */
function requestKey(r: RecordedRequest): string {
  const url = new URL(r.rawUrl, "http://x");
  url.searchParams.delete("access_token");
  url.searchParams.sort();
  return `${r.method} ${url.pathname}?${url.searchParams} ${r.rawBody}`;
}

/** The emulator of a provider. */
function emulatorOf(sbx: Sandbox, provider: Provider): Emulator {
  return sbx[provider].emulator;
}

/**
 * Ground truth from the demo org, as test/providers/{provider}/directory.test.ts computes it: the
 * root department, the people the provider lists under it, and the fewest member-page calls a walk
 * can make (each department's members in pages of the provider's maximum, an empty one: one call).
 */
function truth(sbx: Sandbox, provider: Provider) {
  const org = sbx.org;
  const root = org.departments.find((d) => d.parentKey === null)!;
  const memberOf = (p: Person, key: string) => p.memberships.some((m) => m.deptKey === key);
  const pages = (people: Person[], keys: string[], size: number) =>
    keys.reduce(
      (n, key) => n + Math.max(1, Math.ceil(people.filter((p) => memberOf(p, key)).length / size)),
      0,
    );
  const allKeys = org.departments.map((d) => d.key);
  switch (provider) {
    case "dingtalk": {
      const listed = org.people.filter((p) => p.in.dingtalk && p.status !== "resigned");
      return {
        root: String(root.dingtalkId),
        people: listed.length,
        memberPages: pages(listed, allKeys, 100),
      };
    }
    case "feishu": {
      const scope = org.departments.filter((d) => d.inFeishuScope).map((d) => d.key);
      const listed = org.people.filter(
        (p) => p.in.feishu && p.status !== "resigned" && scope.some((k) => memberOf(p, k)),
      );
      return { root: root.feishuOpenId, people: listed.length, memberPages: pages(listed, scope, 50) };
    }
    case "wecom": {
      // One user/list per department: it answers every member at once.
      const listed = org.people.filter(inWeCom);
      return {
        root: String(root.wecomId ?? root.dingtalkId),
        people: listed.length,
        memberPages: allKeys.length,
      };
    }
    case "eiam": {
      // EIAM lists everyone related to an organisation, whatever their status.
      const listed = org.people.filter((p) => p.in.eiam);
      return { root: root.eiamOrgId, people: listed.length, memberPages: pages(listed, allKeys, 100) };
    }
  }
}

/** (a) The whole demo org, recursively, per provider: upstream calls against the minimum. */
async function wholeOrgWalks(sbx: Sandbox, handler: Handler): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const provider of ["dingtalk", "feishu", "wecom", "eiam"] as const) {
    const demo = `demo-${provider}`;
    const label = LABEL[provider];
    const expected = truth(sbx, provider);
    // A connection of its own (the demo app's secret): fresh per-connection caches (subtree, lists)
    // in this process, whatever an earlier stage read through demo-*. Its token is the demo app's,
    // fetched here first by a call that reads nothing the walk will.
    const connection = `bench-walk-${provider}`;
    sbx.secretsManager.putSecret(`${sbx.secretPrefix}/connections/${connection}`, sbx.connections[demo]!);
    const warm = await handler(
      apiEvent(
        "GET",
        `/v1/connections/${demo}/departments/${encodeURIComponent(expected.root)}/users?pageSize=1`,
      ),
      lambdaContext("bench-directory"),
    );
    if (warm.statusCode !== 200) throw new Error(`bench: ${demo} warm-up failed: ${warm.body}`);

    const emulator = emulatorOf(sbx, provider);
    emulator.startRecording();
    const result = await walk(handler, connection, expected.root);
    const sent = emulator.stopRecording();
    if (result.failed) throw new Error(`bench: ${demo} walk failed: ${result.failed.body}`);

    const calls = sent.filter((r) => !TOKEN_PATHS.has(new URL(r.rawUrl, "http://x").pathname));
    const distinct = new Set(calls.map(requestKey)).size;
    const byPath = new Map<string, number>();
    for (const r of calls) {
      const path = new URL(r.rawUrl, "http://x").pathname;
      byPath.set(path, (byPath.get(path) ?? 0) + 1);
    }
    const memberPath = MEMBER_ROUTE[provider].split(" ")[1]!;
    const memberCalls = byPath.get(memberPath) ?? 0;
    // The tree reads are as few as they are distinct; the member pages have an exact minimum.
    const treeDistinct = new Set(
      calls.filter((r) => new URL(r.rawUrl, "http://x").pathname !== memberPath).map(requestKey),
    ).size;
    const minimum = expected.memberPages + treeDistinct;
    const tokens = sent.length - calls.length;
    const unique = new Set(result.people).size;
    figures.push(
      {
        name: `directory: upstream calls, recursive walk of the whole org (${label})`,
        value: calls.length,
        unit: "calls",
        target: `= ${minimum} (minimum)`,
        meets: calls.length === minimum,
        note: `by path: ${[...byPath].map(([p, n]) => `${p} ${n}`).join(", ")}; ${distinct} distinct; member pages ${memberCalls} (minimum ${expected.memberPages}); ${tokens} token calls`,
      },
      {
        name: `directory: repeated upstream calls, recursive walk (${label})`,
        value: calls.length - distinct,
        unit: "calls",
        target: "= 0",
        meets: calls.length === distinct,
      },
      {
        name: `directory: people listed, recursive walk (${label})`,
        value: result.people.length,
        unit: "people",
        target: `= ${expected.people}, each once`,
        meets: result.people.length === expected.people && unique === result.people.length,
        note: `${result.pages} pages of ≤ 100; ${result.people.length - unique} listed twice`,
      },
      {
        name: `directory: wall time, recursive walk (${label})`,
        value: round(result.ms, 1),
        unit: "ms",
        note: `${result.pages} pages, ${calls.length} upstream calls, on loopback`,
      },
    );
  }
  return figures;
}

/**
 * (b) Throughput against Feishu's 50/s: the emulator limits the app (every authenticated call) to
 * 50 per rolling second and the connection's secret says `rateLimit: { perSecond: 50 }`. The
 * runtime paces any connection whose secret sets `rateLimit` (packages/lambda/src/runtime.ts),
 * HTTP functions included; batch mode also paces connections without one, at the provider's
 * default. The same walks on a connection without `rateLimit` show what the HTTP path does then.
 */
async function pacedWalks(sbx: Sandbox, handler: Handler, quick: boolean): Promise<Figure[]> {
  const fs = sbx.feishu.emulator;
  const root = truth(sbx, "feishu").root;
  const secret = sbx.connections["demo-feishu"]!;
  // Quick: a lower limit, so that even one walk spans three windows and the pacing is exercised.
  const limit = quick ? 20 : FEISHU_RATE;
  const paced = "bench-walk-feishu-paced";
  const unpaced = "bench-walk-feishu-unpaced";
  sbx.secretsManager.putSecret(`${sbx.secretPrefix}/connections/${paced}`, {
    ...secret,
    rateLimit: { perSecond: limit },
  });
  sbx.secretsManager.putSecret(`${sbx.secretPrefix}/connections/${unpaced}`, secret);
  // How many whole-org walks make ≥ 150 calls (≥ 3 s at 50/s); one in quick mode (≥ 1 s at 20/s).
  const perWalk = truth(sbx, "feishu").memberPages + 1;
  const walks = quick ? 1 : Math.ceil(150 / perWalk);

  const run = async (connection: string, settle: boolean) => {
    // Let the emulator's rolling window of the previous run's calls pass.
    if (settle) await new Promise((r) => setTimeout(r, 1_100));
    const before = { calls: fs.counter(FEISHU_MEMBERS), limited: fs.counter("rateLimited") };
    fs.startRecording();
    const started = performance.now();
    const failures: string[] = [];
    for (let i = 0; i < walks; i += 1) {
      const result = await walk(handler, connection, root);
      if (result.failed) failures.push(`${result.failed.status} ${result.failed.body.slice(0, 200)}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const sent = fs.stopRecording().filter((r) => !TOKEN_PATHS.has(new URL(r.rawUrl, "http://x").pathname));
    const limited = fs.counter("rateLimited") - before.limited;
    return {
      seconds,
      // Calls the provider answered (a 429 answer is not throughput): over the whole run's wall time.
      rate: (sent.length - limited) / seconds,
      members: fs.counter(FEISHU_MEMBERS) - before.calls,
      limited,
      failures,
    };
  };

  fs.setKnobs({ rateLimitPerSecond: limit, rateLimitScope: "app" });
  try {
    // No limit was on before: the emulator has counted no calls yet.
    const withLimit = await run(paced, false);
    const without = await run(unpaced, true);
    const size = `${walks} whole-org walk${walks > 1 ? "s" : ""}, limit ${limit}/s`;
    return [
      {
        name: `rate: achieved upstream rate, paced recursive walk (Feishu, ${size})`,
        value: round(withLimit.rate, 1),
        unit: "req/s",
        target: `≥ ${0.9 * limit}`,
        meets: withLimit.rate >= 0.9 * limit,
        note: `${withLimit.members} find_by_department calls in ${round(withLimit.seconds, 2)} s (answered calls over wall time); the connection's rateLimit.perSecond = ${limit}${quick ? " (quick: Feishu's 50/s lowered to 20/s)" : ""}`,
      },
      {
        name: "rate: share of the limit, paced recursive walk (Feishu)",
        value: round(withLimit.rate / limit, 3),
        unit: "×",
        target: "≥ 0.9",
        meets: withLimit.rate / limit >= 0.9,
      },
      {
        name: "rate: rate-limit errors, paced recursive walk (Feishu)",
        value: withLimit.limited,
        unit: "answers",
        target: "= 0",
        meets: withLimit.limited === 0,
        note: withLimit.failures.length ? `failed walks: ${withLimit.failures.join(" | ")}` : undefined,
      },
      {
        name: "rate: rate-limit errors, recursive walk without rateLimit in the secret (Feishu)",
        value: without.limited,
        unit: "answers",
        note: `HTTP functions pace only connections whose secret sets rateLimit (runtime.ts); ${round(without.rate, 1)} answered req/s, ${without.failures.length} of ${walks} walks failed${without.failures.length ? `: ${without.failures[0]}` : ""}`,
      },
    ];
  } finally {
    fs.setKnobs({ rateLimitPerSecond: null });
  }
}

/** (c) usersLookup of 100 Feishu mobiles (97 people, 3 unknown) against 100 single users-by-mobile calls. */
async function feishuLookups(sbx: Sandbox, usersLookup: Handler, usersByMobile: Handler): Promise<Figure[]> {
  const fs = sbx.feishu.emulator;
  const mobileOf = (p: Person) => (p.mobile ? `+${p.mobile.countryCode}${p.mobile.national}` : undefined);
  // People Feishu finds by a mobile no one else has (test/providers/feishu/directory.test.ts).
  const counts = new Map<string, number>();
  for (const p of sbx.org.people) {
    const m = mobileOf(p);
    if (m) counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  const people = sbx.org.people
    .filter((p) => p.in.feishu && p.status !== "resigned" && counts.get(mobileOf(p) ?? "") === 1)
    .slice(0, 97);
  const unknown = ["+8613000000001", "+8613000000002", "+8613000000003"].filter((m) => !counts.has(m));
  const mobiles = [...people.map((p) => mobileOf(p)!), ...unknown];

  const lookupEvent = (items: { mobile: string }[]) =>
    apiEvent("POST", "/v1/connections/demo-feishu/users/lookup", { body: { items } });
  const byMobileEvent = (mobile: string) =>
    apiEvent("POST", "/v1/connections/demo-feishu/users/by-mobile", { body: { mobile } });
  const counted = () => ({
    batch: fs.counter(FEISHU_BATCH_GET_ID),
    user: fs.counter(FEISHU_USER),
    users: fs.counter(FEISHU_USERS_BATCH),
  });
  const delta = (a: ReturnType<typeof counted>, b: ReturnType<typeof counted>) => ({
    batch: b.batch - a.batch,
    user: b.user - a.user,
    users: b.users - a.users,
  });

  // Each function's container warm (secret read, token in hand) before it is timed.
  await usersLookup(lookupEvent([{ mobile: mobiles[0]! }]), lambdaContext("bench-lookup"));
  await usersByMobile(byMobileEvent(mobiles[0]!), lambdaContext("bench-lookup"));

  let before = counted();
  let started = performance.now();
  const out = await usersLookup(
    lookupEvent(mobiles.map((mobile) => ({ mobile }))),
    lambdaContext("bench-lookup", 60_000),
  );
  const lookupMs = performance.now() - started;
  const lookupCalls = delta(before, counted());
  if (out.statusCode !== 200) throw new Error(`bench: usersLookup failed: ${out.body}`);
  const answer = JSON.parse(out.body) as { items: { ok: boolean }[] };
  const found = answer.items.filter((i) => i.ok).length;

  before = counted();
  started = performance.now();
  let singlesFound = 0;
  for (const mobile of mobiles) {
    const single = await usersByMobile(byMobileEvent(mobile), lambdaContext("bench-lookup"));
    if (single.statusCode === 200) singlesFound += 1;
  }
  const singlesMs = performance.now() - started;
  const singlesCalls = delta(before, counted());
  const n = mobiles.length;
  return [
    {
      name: `lookup: batch_get_id calls, usersLookup of ${n} Feishu mobiles`,
      value: lookupCalls.batch,
      unit: "calls",
      target: `= ${Math.ceil(n / 50)}`,
      meets: lookupCalls.batch === Math.ceil(n / 50),
    },
    {
      name: `lookup: users/batch calls, usersLookup of ${n} Feishu mobiles`,
      value: lookupCalls.users,
      unit: "calls",
      target: `= ${Math.ceil(people.length / 50)} (≤ 50 users found a call, none by users/:user_id)`,
      meets: lookupCalls.users === Math.ceil(people.length / 50) && lookupCalls.user === 0,
      note: `${lookupCalls.user} users/:user_id calls`,
    },
    {
      name: `lookup: users found, usersLookup of ${n} Feishu mobiles`,
      value: found,
      unit: "users",
      target: `= ${people.length}`,
      meets: found === people.length && singlesFound === people.length,
      note: `${unknown.length} unknown mobiles mixed in; the single calls found ${singlesFound}`,
    },
    {
      name: `lookup: upstream calls, usersLookup of ${n} Feishu mobiles`,
      value: lookupCalls.batch + lookupCalls.users + lookupCalls.user,
      unit: "calls",
      peer: {
        name: `${n} × users-by-mobile, sequential: ${singlesCalls.batch} batch_get_id + ${singlesCalls.user} profile`,
        value: singlesCalls.batch + singlesCalls.user,
      },
    },
    {
      name: `lookup: wall time, usersLookup of ${n} Feishu mobiles`,
      value: round(lookupMs, 1),
      unit: "ms",
      peer: { name: `${n} × users-by-mobile, sequential`, value: round(singlesMs, 1) },
    },
  ];
}
