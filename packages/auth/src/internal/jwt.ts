import * as Effect from "effect/Effect"
import * as Jose from "jose"
import type { SignatureError } from "../SignatureError.js"
import * as Crypto from "./crypto.js"
import * as Errors from "./signatureError.js"

const algorithmOf = (token: string): string | undefined => {
  try {
    const alg = Jose.decodeProtectedHeader(token).alg
    return typeof alg === "string" ? alg : undefined
  } catch {
    return undefined
  }
}

/**
 * `jose.jwtVerify` restricted to one algorithm, with its errors translated into `SignatureError`s whose
 * messages carry neither the token nor the key.
 *
 * @internal
 */
export const verifyJwt = (
  token: string,
  key: Jose.CryptoKey | Jose.KeyObject | Uint8Array,
  options: { readonly algorithm: string; readonly nowSeconds: number; readonly clockToleranceSeconds: number }
): Effect.Effect<Jose.JWTPayload, SignatureError> =>
  Effect.tryPromise({
    try: () =>
      Jose.jwtVerify(token, key, {
        algorithms: [options.algorithm],
        currentDate: new Date(options.nowSeconds * 1000),
        clockTolerance: Number.isFinite(options.clockToleranceSeconds)
          ? options.clockToleranceSeconds
          : Number.MAX_SAFE_INTEGER
      }),
    catch: (error): SignatureError => {
      const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined
      switch (code) {
        case "ERR_JOSE_ALG_NOT_ALLOWED":
        case "ERR_JOSE_NOT_SUPPORTED": {
          const alg = algorithmOf(token)
          return Errors.mismatch(
            `the token is signed with ${alg === undefined ? "an unknown algorithm" : Crypto.quote(alg, 16)}; ` +
              `only ${options.algorithm} is accepted`
          )
        }
        case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
          return Errors.mismatch(`the token's ${options.algorithm} signature does not verify`)
        case "ERR_JWT_EXPIRED":
          return Errors.expired("the token has expired (exp)")
        case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
          const claim = typeof error === "object" && error !== null && "claim" in error && typeof error.claim === "string"
            ? error.claim
            : "a"
          return claim === "exp" || claim === "nbf" || claim === "iat"
            ? Errors.expired(`the token's ${claim} claim is outside the accepted window`)
            : Errors.malformed(`the token's ${Crypto.quote(claim, 32)} claim is invalid`)
        }
        case "ERR_JWS_INVALID":
        case "ERR_JWT_INVALID":
          return Errors.malformed("the token is not a well-formed JWT")
        default:
          return Errors.mismatch("the token could not be verified")
      }
    }
  }).pipe(Effect.map((result) => result.payload))
