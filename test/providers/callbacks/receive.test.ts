import {
  type CallbackRequest,
  CallbackVerificationError,
  receiveDingTalk,
  receiveFeishu,
  receiveWeCom,
} from "@dirgate/providers";
import { describe, expect, it } from "vitest";
import {
  encrypt as wxEncrypt,
  signature as wxSignature,
} from "../../../packages/providers/src/callbacks/index.ts";

/**
 * The receivers on the providers' official vectors (PROTOCOLS §7.5), with `now` set to the vector's
 * own time, and the refusals a forged or replayed request must meet.
 */
const W = {
  token: "QDG6eK",
  encodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  corpId: "wx5823bf96d3bd56c7",
};
const W1 = new URLSearchParams(
  "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D",
);
const D1 = {
  config: {
    token: "mryue",
    aesKey: "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7",
    appKey: "ding6ccabc44d2c8d38b",
  },
  query: {
    signature: "03044561471240d4a14bb09372dfcfd4fd0e40cb",
    timestamp: "1608001896814",
    nonce: "WL4PK6yA",
  },
  encrypt:
    "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3",
};
const F2 = {
  key: "mazhe.nerd",
  token: "iRdCP2WwXNBXRM3mGLqhrgch3cn0gbT6",
  encrypt:
    "tT1xP+ovuc0T3b/rnZX3ax76exqAn0ANQ6/U45GcciC0mgNBc8JtvqOJGNAPMKpgRs2dVU1NYk9VDeqS8T4SYtU0hzNU54aS84WnxvZ3VFfDcy/RyABlNqlUiGyLDzFI0yxdCMT4KR/YEQXlt6nZi50KwRlZ+A75r645KesZuLMljezYyY8VeeXEVjPw35+e",
};

const request = (over: Partial<CallbackRequest>): CallbackRequest => ({
  method: "POST",
  query: {},
  headers: {},
  body: Buffer.alloc(0),
  now: Date.now(),
  ...over,
});
const reason = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CallbackVerificationError);
    return (error as CallbackVerificationError).reason;
  }
  throw new Error("expected a refusal");
};

describe("WeCom receiver", () => {
  const get = (now: number, query = Object.fromEntries(W1)) => request({ method: "GET", query, now });

  it("W1: answers the URL verification with the decrypted echostr, as is", () => {
    const received = receiveWeCom(W, get(1409659589_000));
    expect(received).toMatchObject({
      kind: "handshake",
      reply: { status: 200, body: "1616140317555161061" },
    });
  });

  it("refuses W1 replayed later than 5 minutes, a wrong signature, and another corp", () => {
    expect(reason(() => receiveWeCom(W, get(1409659589_000 + 5 * 60_000 + 1)))).toBe("stale-timestamp");
    const forged = { ...Object.fromEntries(W1), msg_signature: "0".repeat(40) };
    expect(reason(() => receiveWeCom(W, get(1409659589_000, forged)))).toBe("bad-signature");
    expect(reason(() => receiveWeCom({ ...W, corpId: "wwother" }, get(1409659589_000)))).toBe(
      "receive-id-mismatch",
    );
  });

  it("reads a change_contact push and refuses an envelope with a DOCTYPE", () => {
    const xml =
      "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>update_user</ChangeType><UserID><![CDATA[zhangsan]]></UserID></xml>";
    const sealed = wxEncrypt(W.encodingAESKey, xml, W.corpId);
    const query = {
      msg_signature: wxSignature(W.token, "1700000000", "n1", sealed),
      timestamp: "1700000000",
      nonce: "n1",
    };
    const body = Buffer.from(
      `<xml><ToUserName><![CDATA[${W.corpId}]]></ToUserName><Encrypt><![CDATA[${sealed}]]></Encrypt></xml>`,
    );
    const received = receiveWeCom(W, request({ query, body, now: 1700000000_000 }));
    expect(received).toMatchObject({
      kind: "event",
      changes: [{ kind: "user", action: "updated", id: "zhangsan" }],
      reply: { status: 200, body: "" },
    });
    const hostile = Buffer.from(`<!DOCTYPE x [<!ENTITY e "boom">]>${body.toString()}`);
    expect(reason(() => receiveWeCom(W, request({ query, body: hostile, now: 1700000000_000 })))).toBe(
      "forbidden-markup",
    );
  });
});

describe("DingTalk receiver", () => {
  const post = (query: Record<string, string>, encrypt: string, now: number) =>
    request({ query, body: Buffer.from(JSON.stringify({ encrypt })), now });

  it("D1: the check_url push is a handshake answered with the encrypted, signed success", () => {
    const received = receiveDingTalk(D1.config, post(D1.query, D1.encrypt, 1608001896814));
    expect(received.kind).toBe("handshake");
    const reply = JSON.parse(received.reply.body) as {
      msg_signature: string;
      timeStamp: string;
      nonce: string;
      encrypt: string;
    };
    // The reply verifies with the same scheme: DingTalk checks it (PROTOCOLS §7.1.1).
    expect(wxSignature(D1.config.token, reply.timeStamp, reply.nonce, reply.encrypt)).toBe(
      reply.msg_signature,
    );
    expect(reply.encrypt).not.toBe("success");
  });

  it("accepts both names of the signature and timestamp parameters", () => {
    const query = { msg_signature: D1.query.signature, timeStamp: D1.query.timestamp, nonce: D1.query.nonce };
    expect(receiveDingTalk(D1.config, post(query, D1.encrypt, 1608001896814)).kind).toBe("handshake");
  });

  it("refuses a replay, a forged signature, another app key, and GET", () => {
    expect(
      reason(() => receiveDingTalk(D1.config, post(D1.query, D1.encrypt, 1608001896814 + 6 * 60_000))),
    ).toBe("stale-timestamp");
    expect(
      reason(() =>
        receiveDingTalk(
          D1.config,
          post({ ...D1.query, signature: "f".repeat(40) }, D1.encrypt, 1608001896814),
        ),
      ),
    ).toBe("bad-signature");
    expect(
      reason(() =>
        receiveDingTalk({ ...D1.config, appKey: "dingother" }, post(D1.query, D1.encrypt, 1608001896814)),
      ),
    ).toBe("receive-id-mismatch");
    expect(reason(() => receiveDingTalk(D1.config, request({ method: "GET", query: D1.query })))).toBe(
      "wrong-method",
    );
  });
});

describe("Feishu receiver", () => {
  it("F2: an encrypted, unsigned url_verification is answered with its challenge after the token check", () => {
    const body = Buffer.from(JSON.stringify({ encrypt: F2.encrypt }));
    const received = receiveFeishu({ verificationToken: F2.token, encryptKey: F2.key }, request({ body }));
    expect(received).toMatchObject({ kind: "handshake", reply: { status: 200 } });
    expect(JSON.parse(received.reply.body)).toEqual({ challenge: "5634b122-c042-4634-bc7f-b07a3c3e77ad" });
    expect(
      reason(() => receiveFeishu({ verificationToken: "other", encryptKey: F2.key }, request({ body }))),
    ).toBe("bad-token");
  });

  it("refuses an unsigned event when an Encrypt Key is set, and a plaintext push when one is", () => {
    const event = JSON.stringify({
      schema: "2.0",
      header: {
        event_id: "e1",
        event_type: "contact.user.updated_v3",
        create_time: "1700000000000",
        token: "vt",
      },
      event: { object: { user_id: "zhangsan" } },
    });
    expect(
      reason(() =>
        receiveFeishu({ verificationToken: "vt", encryptKey: "k" }, request({ body: Buffer.from(event) })),
      ),
    ).toBe("malformed");
    const plain = receiveFeishu({ verificationToken: "vt" }, request({ body: Buffer.from(event) }));
    expect(plain).toMatchObject({
      kind: "event",
      eventId: "e1",
      changes: [{ id: "zhangsan", action: "updated" }],
    });
  });
});
