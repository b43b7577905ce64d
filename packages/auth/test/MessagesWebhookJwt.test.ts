import { assert, describe, it } from "@effect/vitest"
import { MessagesWebhookJwt } from "@switchboard/auth"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import fc from "fast-check"
import * as Jose from "jose"
import * as NodeCrypto from "node:crypto"

const secretText = "my-vonage-signature-secret-0123456789"
const secret = Redacted.make(secretText)
const key = new TextEncoder().encode(secretText)
const T = 1_780_000_000
const body = JSON.stringify({
  message_uuid: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
  to: "447700900000",
  from: "447700900001",
  timestamp: "2026-06-10T11:56:04Z",
  status: "delivered",
  channel: "whatsapp"
})

const failure = <A>(exit: Exit.Exit<A, MessagesWebhookJwt.SignatureError>): MessagesWebhookJwt.SignatureError => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got a success")
  const error = Cause.failureOption(exit.cause)
  if (error._tag === "None") throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return error.value
}

const verify = (authorization: string | undefined, b: string | Uint8Array = body, extra: Partial<MessagesWebhookJwt.VerifyOptions> = {}) =>
  Effect.exit(MessagesWebhookJwt.verify({ authorization, body: b, secret, now: T, ...extra }))

const signed = (b: string | Uint8Array = body, now = T) =>
  MessagesWebhookJwt.sign({ body: b, secret, now, applicationId: "app-1", apiKey: "abcd1234" })

/** A JWT with arbitrary header and claims, signed (or not) as given: the shapes an attacker can send. */
const craft = (claims: Jose.JWTPayload, alg: string, signingKey: Uint8Array | Jose.CryptoKey) =>
  Effect.promise(() => new Jose.SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(signingKey))

describe("MessagesWebhookJwt", () => {
  it.effect("sign produces an HS256 JWT with iat, jti, iss, payload_hash, api_key and application_id", () =>
    Effect.gen(function*() {
      const jwt = yield* signed()
      const header = Jose.decodeProtectedHeader(jwt)
      assert.strictEqual(header.alg, "HS256")
      const claims = Jose.decodeJwt(jwt)
      assert.strictEqual(claims.iat, T)
      assert.strictEqual(claims.iss, "Vonage")
      assert.strictEqual(claims["application_id"], "app-1")
      assert.strictEqual(claims["api_key"], "abcd1234")
      assert.match(String(claims.jti), /^[0-9a-f-]{36}$/)
      assert.strictEqual(claims["payload_hash"], NodeCrypto.createHash("sha256").update(body).digest("hex"))
      // and jose, independently, accepts it
      yield* Effect.promise(() => Jose.jwtVerify(jwt, key, { algorithms: ["HS256"], currentDate: new Date(T * 1000) }))
    }))

  it.effect("sign → verify round-trips (property)", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ unit: "grapheme" }), fc.uint8Array({ maxLength: 256 })),
          fc.string({ minLength: 1, maxLength: 64 }),
          fc.integer({ min: -300, max: 300 }),
          async (b, s, skew) => {
            const jwt = await Effect.runPromise(MessagesWebhookJwt.sign({ body: b, secret: Redacted.make(s), now: T }))
            const exit = await Effect.runPromise(Effect.exit(MessagesWebhookJwt.verify({
              authorization: `Bearer ${jwt}`,
              body: b,
              secret: Redacted.make(s),
              now: T + skew
            })))
            assert.isTrue(Exit.isSuccess(exit))
          }
        ),
        { numRuns: 100 }
      )
    ))

  it.effect("a body changed by one byte fails the payload hash (property)", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 1, maxLength: 256 }),
          fc.nat(),
          fc.integer({ min: 1, max: 255 }),
          async (b, at, delta) => {
            const jwt = await Effect.runPromise(signed(b))
            const changed = Uint8Array.from(b)
            changed[at % b.length] = (changed[at % b.length]! + delta) % 256
            const error = failure(await Effect.runPromise(verify(`Bearer ${jwt}`, changed)))
            assert.strictEqual(error.reason, "Mismatch")
            assert.include(error.message, "payload_hash")
          }
        ),
        { numRuns: 100 }
      )
    ))

  it.effect("a one-character change to a JSON body fails the payload hash", () =>
    Effect.gen(function*() {
      const jwt = yield* signed()
      const error = failure(yield* verify(`Bearer ${jwt}`, body.replace("delivered", "Delivered")))
      assert.strictEqual(error.reason, "Mismatch")
    }))

  it.effect("alg: none is rejected", () =>
    Effect.gen(function*() {
      const hash = MessagesWebhookJwt.payloadHash(body)
      const unsecured = new Jose.UnsecuredJWT({ payload_hash: hash }).setIssuedAt(T).encode()
      const error = failure(yield* verify(`Bearer ${unsecured}`))
      assert.strictEqual(error.reason, "Mismatch")
      assert.include(error.message, "\"none\"")
      // also with an empty signature segment appended to a signed token's header and payload
      const [h, p] = (yield* signed()).split(".")
      const none = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")
      assert.strictEqual(failure(yield* verify(`Bearer ${none}.${p}.`)).reason, "Mismatch")
      assert.isString(h)
    }))

  it.effect("a wrong algorithm is rejected, even with the right secret", () =>
    Effect.gen(function*() {
      const claims = { payload_hash: MessagesWebhookJwt.payloadHash(body), iat: T, jti: "j" }
      for (const alg of ["HS384", "HS512"]) {
        const error = failure(yield* verify(`Bearer ${yield* craft(claims, alg, key)}`))
        assert.strictEqual(error.reason, "Mismatch")
        assert.include(error.message, alg)
      }
      const { privateKey } = yield* Effect.promise(() => Jose.generateKeyPair("RS256"))
      const rs = failure(yield* verify(`Bearer ${yield* craft(claims, "RS256", privateKey)}`))
      assert.strictEqual(rs.reason, "Mismatch")
    }))

  it.effect("another secret → Mismatch", () =>
    Effect.gen(function*() {
      const jwt = yield* signed()
      const error = failure(yield* verify(`Bearer ${jwt}`, body, { secret: Redacted.make("another-secret") }))
      assert.strictEqual(error.reason, "Mismatch")
    }))

  it.effect("iat outside the window (5 minutes by default) → Expired; Infinity turns it off", () =>
    Effect.gen(function*() {
      const jwt = yield* signed()
      assert.isTrue(Exit.isSuccess(yield* verify(`Bearer ${jwt}`, body, { now: T + 300 })))
      assert.isTrue(Exit.isSuccess(yield* verify(`Bearer ${jwt}`, body, { now: T - 300 })))
      assert.strictEqual(failure(yield* verify(`Bearer ${jwt}`, body, { now: T + 301 })).reason, "Expired")
      assert.strictEqual(failure(yield* verify(`Bearer ${jwt}`, body, { now: T - 301 })).reason, "Expired")
      assert.isTrue(Exit.isSuccess(yield* verify(`Bearer ${jwt}`, body, { now: T + 10_000_000, toleranceSeconds: Infinity })))
    }))

  it.effect("an exp further in the past than the tolerance → Expired", () =>
    Effect.gen(function*() {
      const claims = { payload_hash: MessagesWebhookJwt.payloadHash(body), iat: T, exp: T - 10 }
      const jwt = yield* craft(claims, "HS256", key)
      assert.isTrue(Exit.isSuccess(yield* verify(`Bearer ${jwt}`)))
      const error = failure(yield* verify(`Bearer ${jwt}`, body, { toleranceSeconds: 5 }))
      assert.strictEqual(error.reason, "Expired")
      assert.include(error.message, "exp")
    }))

  it.effect("missing claims → Missing; a payload_hash that is not hex → Malformed", () =>
    Effect.gen(function*() {
      const noHash = failure(yield* verify(`Bearer ${yield* craft({ iat: T }, "HS256", key)}`))
      assert.strictEqual(noHash.reason, "Missing")
      const noIat = failure(yield* verify(`Bearer ${yield* craft({ payload_hash: MessagesWebhookJwt.payloadHash(body) }, "HS256", key)}`))
      assert.strictEqual(noIat.reason, "Missing")
      const notHex = failure(yield* verify(`Bearer ${yield* craft({ iat: T, payload_hash: "zz" }, "HS256", key)}`))
      assert.strictEqual(notHex.reason, "Malformed")
      const numeric = failure(yield* verify(`Bearer ${yield* craft({ iat: T, payload_hash: 5 }, "HS256", key)}`))
      assert.strictEqual(numeric.reason, "Malformed")
    }))

  it.effect("accepts payload_hash in upper case", () =>
    Effect.gen(function*() {
      const claims = { iat: T, payload_hash: MessagesWebhookJwt.payloadHash(body).toUpperCase() }
      assert.isTrue(Exit.isSuccess(yield* verify(`Bearer ${yield* craft(claims, "HS256", key)}`)))
    }))

  it.effect("a missing or malformed Authorization header → Missing / Malformed", () =>
    Effect.gen(function*() {
      const jwt = yield* signed()
      assert.strictEqual(failure(yield* verify(undefined)).reason, "Missing")
      for (const bad of [jwt, `Basic ${jwt}`, "Bearer", "Bearer a b", ""]) {
        assert.strictEqual(failure(yield* verify(bad)).reason, "Malformed", bad.slice(0, 10))
      }
      for (const bad of ["Bearer not-a-jwt", "Bearer a.b.c", `Bearer ${jwt.slice(0, -3)}`]) {
        assert.include(["Malformed", "Mismatch"], failure(yield* verify(bad)).reason)
      }
      assert.isTrue(Exit.isSuccess(yield* verify(`bearer  ${jwt}`)))
    }))

  it.effect("checks application_id when asked", () =>
    Effect.gen(function*() {
      const jwt = yield* signed()
      assert.isTrue(Exit.isSuccess(yield* verify(`Bearer ${jwt}`, body, { applicationId: "app-1" })))
      assert.strictEqual(failure(yield* verify(`Bearer ${jwt}`, body, { applicationId: "app-2" })).reason, "Mismatch")
    }))

  it.effect("garbage Authorization headers never throw or die (property)", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(fc.oneof(fc.anything(), fc.string().map((s) => `Bearer ${s}`)), async (garbage) => {
          const exit = await Effect.runPromise(verify(garbage as string))
          assert.isTrue(Exit.isFailure(exit))
          if (Exit.isFailure(exit)) assert.isTrue(Cause.isFailType(exit.cause), Cause.pretty(exit.cause))
        }),
        { numRuns: 200 }
      )
    ))

  it.effect("uses the Clock when now is not given", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T * 1000)
      const jwt = yield* MessagesWebhookJwt.sign({ body, secret })
      assert.strictEqual(Jose.decodeJwt(jwt).iat, T)
      yield* MessagesWebhookJwt.verify({ authorization: `Bearer ${jwt}`, body, secret })
      yield* TestClock.adjust("301 seconds")
      const error = yield* Effect.flip(MessagesWebhookJwt.verify({ authorization: `Bearer ${jwt}`, body, secret }))
      assert.strictEqual(error.reason, "Expired")
    }))
})
