/**
 * Why a callback was refused. Stable strings: receivers log them and tests match on them, so add
 * new ones, never rename.
 */
export type CallbackFailure =
  | "bad-signature"
  | "bad-key"
  | "bad-padding"
  | "bad-length"
  | "receive-id-mismatch"
  | "malformed"
  | "too-large"
  | "forbidden-markup"
  | "stale-timestamp"
  | "bad-token"
  | "missing-signature"
  | "wrong-method";

/**
 * The one error of the callback layer. Messages name the failure, never a key, token or plaintext:
 * a receiver may log them as they are.
 */
export class CallbackVerificationError extends Error {
  override readonly name = "CallbackVerificationError";
  readonly reason: CallbackFailure;

  constructor(reason: CallbackFailure, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
  }
}

/** Narrows an unknown error to a callback failure (optionally of one reason). */
export function isCallbackVerificationError(
  error: unknown,
  reason?: CallbackFailure,
): error is CallbackVerificationError {
  return error instanceof CallbackVerificationError && (reason === undefined || error.reason === reason);
}
