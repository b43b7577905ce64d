import { assert, describe, it } from "@effect/vitest"
import * as Arbitrary from "effect/Arbitrary"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Schema from "effect/Schema"
import * as ChannelError from "../src/ChannelError.js"

const all: ReadonlyArray<ChannelError.ChannelError> = [
  new ChannelError.InvalidMessage({ channel: "sms.vonage", message: "sender too long", field: "sender" }),
  new ChannelError.UnsupportedContent({ channel: "sms.vonage", message: "no images", content: "Image" }),
  new ChannelError.Unaddressable({ channel: "messenger", message: "no PSID", address: "messenger" }),
  new ChannelError.AuthenticationFailed({
    channel: "sms.kpn",
    message: "token refused",
    providerCode: "oauth.v2.InvalidAccessToken"
  }),
  new ChannelError.RateLimited({ channel: "sms.vonage", message: "throttled", retryAfterMillis: 1000, providerCode: "1" }),
  new ChannelError.ProviderUnavailable({ channel: "whatsapp", message: "502 from upstream", status: 502 }),
  new ChannelError.Rejected({
    channel: "sms.vonage",
    message: "the number is barred",
    rejection: "BlockedRecipient",
    providerCode: "7",
    providerText: "Number barred"
  })
]

const roundTrip = (error: ChannelError.ChannelError) =>
  Schema.decodeUnknownSync(ChannelError.ChannelError)(
    JSON.parse(JSON.stringify(Schema.encodeSync(ChannelError.ChannelError)(error)))
  )

describe("ChannelError", () => {
  it("only rate limits and provider outages are retryable", () => {
    const retryable = all.filter((e) => e.retryable).map((e) => e._tag)
    assert.deepStrictEqual(retryable, ["RateLimited", "ProviderUnavailable"])
    assert.deepStrictEqual(all.filter(ChannelError.isRetryable).map((e) => e._tag), retryable)
  })

  it("reason is the tag, from the closed set", () => {
    for (const error of all) {
      assert.strictEqual(error.reason, error._tag)
      assert.isTrue(Schema.is(ChannelError.Reason)(error.reason))
    }
    assert.deepStrictEqual(all.map((e) => e.reason), [...ChannelError.Reason.literals])
  })

  it("isSkip picks the errors routing skips a step for", () => {
    assert.deepStrictEqual(all.filter(ChannelError.isSkip).map((e) => e._tag), ["UnsupportedContent", "Unaddressable"])
  })

  it("isChannelError recognises the union and nothing else", () => {
    for (const error of all) assert.isTrue(ChannelError.isChannelError(error))
    for (const other of [null, undefined, "Rejected", new Error("x"), { _tag: "Rejected" }, { _tag: "Nope", channel: "x" }]) {
      assert.isFalse(ChannelError.isChannelError(other))
    }
  })

  it("round-trips every error through the union schema and JSON", () => {
    for (const error of all) {
      const decoded = roundTrip(error)
      assert.instanceOf(decoded, error.constructor as new(...args: Array<any>) => unknown)
      assert.strictEqual(decoded._tag, error._tag)
      assert.deepStrictEqual(decoded.toJSON(), error.toJSON())
      assert.strictEqual(decoded.retryable, error.retryable)
    }
  })

  it.prop("round-trips any error the schema allows", [Arbitrary.make(ChannelError.ChannelError)], ([error]) => {
    const decoded = roundTrip(error)
    assert.strictEqual(decoded._tag, error._tag)
    // compared as JSON: an optional field explicitly set to undefined is absent once persisted
    const asJson = (e: ChannelError.ChannelError) => JSON.parse(JSON.stringify(Schema.encodeSync(ChannelError.ChannelError)(e)))
    assert.deepStrictEqual(asJson(decoded), asJson(error))
  })

  it("refuses a persisted error with an unknown tag or reason", () => {
    const decode = Schema.decodeUnknownEither(ChannelError.ChannelError)
    assert.isTrue(decode({ _tag: "Exploded", channel: "x", message: "?" })._tag === "Left")
    assert.isTrue(decode({ _tag: "Rejected", channel: "x", message: "?", rejection: "Because" })._tag === "Left")
    assert.isTrue(decode({ _tag: "RateLimited", channel: "x", message: "?", retryAfterMillis: -1 })._tag === "Left")
  })

  it("refuses an infinite retry-after, which would neither persist as JSON nor ever be waited out", () => {
    assert.throws(() => new ChannelError.RateLimited({ channel: "x", message: "?", retryAfterMillis: Infinity }))
  })

  it.effect("errors are yieldable and keep their class in the error channel", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.gen(function*() {
          return yield* new ChannelError.RateLimited({ channel: "x", message: "slow down" })
        })
      )
      assert.strictEqual(error._tag, "RateLimited")
      assert.isTrue(error.retryable)
    }))

  it.prop("retryable is the same answer as the reason table", [fc.constantFrom(...all)], ([error]) => {
    assert.strictEqual(error.retryable, error._tag === "RateLimited" || error._tag === "ProviderUnavailable")
  })
})
