import * as z from "zod";

/**
 * A connection's `callback` credentials (DESIGN §4), per provider: what the provider's console
 * shows when the callback URL is registered.
 */
export const DingTalkCallbackSchema = z.object({
  token: z.string().min(1),
  aesKey: z.string().regex(/^[A-Za-z0-9]{43}$/, "43 letters and digits"),
  /** The receive id the plaintext must end with: the app key (default), the corp id or a suite key. */
  ownerKey: z.string().min(1).optional(),
});
export const FeishuCallbackSchema = z.object({
  verificationToken: z.string().min(1),
  /** Set when the app's event subscription has an Encrypt Key (then pushes are encrypted and signed). */
  encryptKey: z.string().min(1).optional(),
});
export const WeComCallbackSchema = z.object({
  token: z.string().min(1).max(32),
  encodingAESKey: z.string().regex(/^[A-Za-z0-9]{43}$/, "43 letters and digits"),
});

export type DingTalkCallback = z.infer<typeof DingTalkCallbackSchema>;
export type FeishuCallback = z.infer<typeof FeishuCallbackSchema>;
export type WeComCallback = z.infer<typeof WeComCallbackSchema>;
