import { XMLParser, XMLValidator } from "fast-xml-parser";
import * as z from "zod";
import { CallbackVerificationError } from "./errors.ts";

/** Callback XML is a few hundred bytes; anything beyond this is refused before it is read. */
export const MAX_CALLBACK_XML_BYTES = 64 * 1024;

/** A parsed element: text, a child map, or repeated children. Every leaf is a string. */
export type XmlValue = string | XmlObject | XmlValue[];
/** Children of one element, by tag name. */
export interface XmlObject {
  [tag: string]: XmlValue;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Strings only: ids such as "0012" or "4561255354251345929" must not become numbers.
  parseTagValue: false,
  // Entities stay literal text; with no DTD allowed there is nothing to expand anyway.
  processEntities: false,
  htmlEntities: false,
  trimValues: true,
});

/**
 * Refuses every markup declaration (`<!DOCTYPE`, `<!ENTITY`, `<!ELEMENT`…) before any parser sees
 * the text: that closes XXE and entity-expansion bombs whatever the parser's options. The scan walks
 * tags (quotes included) so that CDATA text such as a user named "<!DOCTYPE" passes, while a fake
 * `<![CDATA[` inside an attribute value cannot hide a declaration behind it.
 */
function assertNoDeclarations(xml: string): void {
  let at = xml.indexOf("<");
  while (at !== -1) {
    if (xml.startsWith("<![CDATA[", at)) at = indexAfter(xml, "]]>", at + 9);
    else if (xml.startsWith("<!--", at)) at = indexAfter(xml, "-->", at + 4);
    else if (xml.startsWith("<!", at)) {
      throw new CallbackVerificationError(
        "forbidden-markup",
        "XML declarations (DOCTYPE, ENTITY) are refused",
      );
    } else at = endOfTag(xml, at + 1);
    at = xml.indexOf("<", at);
  }
}

function indexAfter(xml: string, close: string, from: number): number {
  const end = xml.indexOf(close, from);
  if (end === -1) throw new CallbackVerificationError("malformed", "unterminated CDATA section or comment");
  return end + close.length;
}

/** Index after the `>` closing a tag; a `>` inside a quoted attribute value does not count. */
function endOfTag(xml: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (quote !== undefined) quote = c === quote ? undefined : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === ">") return i + 1;
  }
  throw new CallbackVerificationError("malformed", "unterminated tag");
}

/** Parses a callback XML document safely and returns the children of its `<xml>` root. */
export function parseCallbackXml(input: string | Uint8Array): XmlObject {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.length;
  if (size > MAX_CALLBACK_XML_BYTES) {
    throw new CallbackVerificationError("too-large", `XML body exceeds ${MAX_CALLBACK_XML_BYTES} bytes`);
  }
  const xml = typeof input === "string" ? input : Buffer.from(input).toString("utf8");
  assertNoDeclarations(xml);
  // The parser forgives mismatched tags; the validator does not.
  if (XMLValidator.validate(xml) !== true) {
    throw new CallbackVerificationError("malformed", "body is not well-formed XML");
  }
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch (cause) {
    // e.g. fast-xml-parser refuses tag names such as __proto__.
    throw new CallbackVerificationError("malformed", "body is not acceptable XML", { cause });
  }
  const root = (document as { xml?: unknown }).xml;
  if (root === null || typeof root !== "object" || Array.isArray(root)) {
    throw new CallbackVerificationError("malformed", "XML root element <xml> with children is missing");
  }
  return root as XmlObject;
}

const WeComEnvelopeSchema = z.object({
  ToUserName: z.string(),
  Encrypt: z.string().min(1),
  AgentID: z.string().optional(),
});

/** What a WeCom POST carries around its ciphertext. */
export interface WeComEnvelope {
  toUserName: string;
  encrypt: string;
  agentId?: string;
}

/** Reads `<xml><ToUserName/><Encrypt/><AgentID/></xml>`; `encrypt` is what the signature covers. */
export function readWeComEnvelope(input: string | Uint8Array): WeComEnvelope {
  const parsed = WeComEnvelopeSchema.safeParse(parseCallbackXml(input));
  if (!parsed.success) {
    throw new CallbackVerificationError("malformed", "WeCom envelope lacks ToUserName or Encrypt");
  }
  const { ToUserName, Encrypt, AgentID } = parsed.data;
  return { toUserName: ToUserName, encrypt: Encrypt, ...(AgentID === undefined ? {} : { agentId: AgentID }) };
}
