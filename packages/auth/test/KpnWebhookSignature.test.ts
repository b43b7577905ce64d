import { assert, describe, it } from "@effect/vitest"
import { KpnWebhookSignature } from "@switchboard/auth"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import fc from "fast-check"
import * as NodeCrypto from "node:crypto"

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runSyncExit(effect)

const failure = <A>(exit: Exit.Exit<A, KpnWebhookSignature.SignatureError>): KpnWebhookSignature.SignatureError => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got a success")
  const error = Cause.failureOption(exit.cause)
  if (error._tag === "None") throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return error.value
}

const ACTIVE = "wk_2C6EDCDFDFD944F3A75D0D36"
const RETIRING = "wk_1A3BCDEFFE2311E0B94E0A25"
const secrets = {
  [ACTIVE]: Redacted.make("my-shared-secret-at-least-32-chars-long"),
  [RETIRING]: Redacted.make("the-previous-secret-still-accepted-now")
}
const body = JSON.stringify({
  sender: "31612345678",
  recipient: "3197010000000",
  message_id: "abc-123",
  content: "Hallo",
  timestamp_utc: "2026-06-10T11:56:04Z",
  type: "sms"
})
const T = 1_780_000_000

const headersFor = (b: string | Uint8Array, keyId = ACTIVE, timestamp = T) =>
  Effect.runSync(KpnWebhookSignature.sign({ body: b, secret: secrets[keyId as typeof ACTIVE], keyId, timestamp }))

const verify = (
  headers: Record<string, string | ReadonlyArray<string> | undefined>,
  b: string | Uint8Array = body,
  extra: Partial<KpnWebhookSignature.VerifyOptions> = {}
) => run(KpnWebhookSignature.verify({ headers, body: b, secrets, now: T, ...extra }))

describe("KpnWebhookSignature", () => {
  it("signs the raw body with HMAC-SHA256, hex, and sends the three headers", () => {
    const headers = headersFor(body)
    assert.deepStrictEqual(Object.keys(headers).sort(), [
      "X-KPN-Webhook-Key-Id",
      "X-KPN-Webhook-Signature",
      "X-KPN-Webhook-Timestamp"
    ])
    assert.strictEqual(
      headers["X-KPN-Webhook-Signature"],
      NodeCrypto.createHmac("sha256", "my-shared-secret-at-least-32-chars-long").update(body).digest("hex")
    )
    assert.strictEqual(headers["X-KPN-Webhook-Timestamp"], String(T))
    assert.strictEqual(headers["X-KPN-Webhook-Key-Id"], ACTIVE)
  })

  it.effect("defaults the timestamp to the Clock, and verify reads the Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T * 1000)
      const headers = yield* KpnWebhookSignature.sign({ body, secret: secrets[ACTIVE], keyId: ACTIVE })
      assert.strictEqual(headers["X-KPN-Webhook-Timestamp"], String(T))
      yield* KpnWebhookSignature.verify({ headers, body, secrets })
    }))

  describe("properties", () => {
    const anyBody = fc.oneof(fc.string({ unit: "grapheme" }), fc.uint8Array({ maxLength: 512 }))

    it("sign → verify round-trips", () => {
      fc.assert(
        fc.property(anyBody, fc.string({ minLength: 1 }), fc.string({ minLength: 1, maxLength: 40 }), (b, s, keyId) => {
          const headers = Effect.runSync(KpnWebhookSignature.sign({ body: b, secret: Redacted.make(s), keyId, timestamp: T }))
          const exit = run(KpnWebhookSignature.verify({
            headers,
            body: b,
            secrets: { [keyId]: Redacted.make(s) },
            now: T
          }))
          assert.isTrue(Exit.isSuccess(exit))
        }),
        { numRuns: 300 }
      )
    })

    it("a body changed by one byte fails with Mismatch", () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (b, at, delta) => {
          const headers = headersFor(b)
          const changed = Uint8Array.from(b)
          changed[at % b.length] = (changed[at % b.length]! + delta) % 256
          assert.strictEqual(failure(verify(headers, changed)).reason, "Mismatch")
        }),
        { numRuns: 300 }
      )
    })

    it("garbage headers never throw or die", () => {
      fc.assert(
        fc.property(fc.oneof(fc.anything(), fc.dictionary(fc.string(), fc.anything())), (garbage) => {
          const exit = verify(garbage as Record<string, string>)
          if (Exit.isFailure(exit)) assert.isTrue(Cause.isFailType(exit.cause), Cause.pretty(exit.cause))
        }),
        { numRuns: 300 }
      )
    })
  })

  describe("verify", () => {
    it("accepts either key during a rotation, header names in any case, and upper-case hex", () => {
      assert.isTrue(Exit.isSuccess(verify(headersFor(body, ACTIVE))))
      assert.isTrue(Exit.isSuccess(verify(headersFor(body, RETIRING))))
      const lower = Object.fromEntries(Object.entries(headersFor(body)).map(([k, v]) => [k.toLowerCase(), v]))
      assert.isTrue(Exit.isSuccess(verify(lower)))
      const upper = headersFor(body)
      assert.isTrue(Exit.isSuccess(verify({ ...upper, "X-KPN-Webhook-Signature": upper["X-KPN-Webhook-Signature"]!.toUpperCase() })))
      // Node gives a header as a one-element list in some shapes
      assert.isTrue(Exit.isSuccess(verify({ ...upper, "X-KPN-Webhook-Signature": [upper["X-KPN-Webhook-Signature"]!] })))
    })

    it("without a key id header, every configured secret is tried", () => {
      const { "X-KPN-Webhook-Key-Id": _, ...headers } = headersFor(body, RETIRING)
      assert.isTrue(Exit.isSuccess(verify(headers)))
      assert.strictEqual(failure(verify(headers, body, { secrets: { [ACTIVE]: secrets[ACTIVE] } })).reason, "Mismatch")
    })

    it("an unknown key id, another key's signature or another body → Mismatch", () => {
      const headers = headersFor(body)
      assert.strictEqual(failure(verify({ ...headers, "X-KPN-Webhook-Key-Id": "wk_unknown" })).reason, "Mismatch")
      assert.strictEqual(failure(verify({ ...headers, "X-KPN-Webhook-Key-Id": "constructor" })).reason, "Mismatch")
      assert.strictEqual(failure(verify({ ...headers, "X-KPN-Webhook-Key-Id": RETIRING })).reason, "Mismatch")
      assert.strictEqual(failure(verify(headers, body + " ")).reason, "Mismatch")
      assert.strictEqual(failure(verify(headers, body, { secrets: {} })).reason, "Mismatch")
    })

    it("missing headers → Missing", () => {
      const { "X-KPN-Webhook-Signature": _, ...noSignature } = headersFor(body)
      assert.strictEqual(failure(verify(noSignature)).reason, "Missing")
      const { "X-KPN-Webhook-Timestamp": __, ...noTimestamp } = headersFor(body)
      assert.strictEqual(failure(verify(noTimestamp)).reason, "Missing")
      assert.isTrue(Exit.isSuccess(verify(noTimestamp, body, { toleranceSeconds: Infinity })))
    })

    it("non-hex, wrong-length or repeated signatures and non-numeric timestamps → Malformed", () => {
      const headers = headersFor(body)
      const sig = headers["X-KPN-Webhook-Signature"]!
      for (const bad of ["z".repeat(64), sig.slice(0, 62), `sha256=${sig}`, "", [sig, sig]]) {
        assert.strictEqual(failure(verify({ ...headers, "X-KPN-Webhook-Signature": bad })).reason, "Malformed")
      }
      assert.strictEqual(failure(verify({ ...headers, "x-kpn-webhook-signature": sig.toUpperCase() })).reason, "Malformed")
      for (const bad of ["soon", "-1", "1.5", ""]) {
        assert.strictEqual(failure(verify({ ...headers, "X-KPN-Webhook-Timestamp": bad })).reason, "Malformed")
      }
    })

    it("a timestamp outside the window (5 minutes by default) → Expired", () => {
      const headers = headersFor(body)
      assert.isTrue(Exit.isSuccess(verify(headers, body, { now: T + 300 })))
      assert.strictEqual(failure(verify(headers, body, { now: T + 301 })).reason, "Expired")
      assert.strictEqual(failure(verify(headers, body, { now: T - 301 })).reason, "Expired")
      assert.strictEqual(failure(verify(headers, body, { now: T + 61, toleranceSeconds: 60 })).reason, "Expired")
      assert.isTrue(Exit.isSuccess(verify(headers, body, { now: T + 1_000_000, toleranceSeconds: Infinity })))
    })
  })
})
