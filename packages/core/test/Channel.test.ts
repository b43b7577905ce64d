import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as MetricState from "effect/MetricState"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Capabilities from "../src/Capabilities.js"
import * as Channel from "../src/Channel.js"
import * as ChannelError from "../src/ChannelError.js"
import * as Content from "../src/Content.js"
import * as Message from "../src/Message.js"
import * as Phone from "../src/Phone.js"
import * as Receipt from "../src/Receipt.js"
import * as Recipient from "../src/Recipient.js"

let channels = 0
/** A fresh channel id per test, so metrics from other tests never mix in. */
const freshId = () => `sms.test-${++channels}`

const capabilitiesFor = (channel: string) =>
  Capabilities.make({
    channel,
    outbound: ["Text"],
    inbound: ["Text"],
    address: "phone",
    receipts: ["delivered"],
    maxTextLength: 160
  })

const phone = Schema.decodeSync(Phone.E164)("+31612345678")

const messageTo = (recipient: Recipient.Recipient, content: Content.Outbound = Content.text("Your code is 123456")) =>
  Message.make({ id: Schema.decodeSync(Message.MessageId)("msg-1"), recipient, content })

const receiptFor = (channel: string, message: Message.Message) =>
  Effect.map(DateTime.now, (acceptedAt) =>
    new Receipt.Receipt({
      channel,
      messageId: message.id,
      providerMessageIds: [`p-${message.id}`],
      parts: 1,
      acceptedAt
    }))

/**
 * A provider whose `send` answers from a script (one outcome per call; the last repeats) and counts its
 * calls and the addresses it was given.
 */
const scripted = (
  channel: string,
  script: ReadonlyArray<"ok" | ChannelError.ChannelError | { readonly die: unknown }>
) => {
  const calls: Array<string> = []
  const provider: Channel.Provider = {
    capabilities: capabilitiesFor(channel),
    send: (message, to) =>
      Effect.suspend(() => {
        calls.push(to)
        const outcome = script[Math.min(calls.length, script.length) - 1]!
        return outcome === "ok"
          ? receiptFor(channel, message)
          : "die" in outcome
          ? Effect.die(outcome.die)
          : Effect.fail(outcome)
      })
  }
  return { calls, provider }
}

/** The error an exit failed with, as plain data (errors raised inside a span are proxies, never identical). */
const failureOf = <A, E extends { toJSON(): unknown }>(exit: Exit.Exit<A, E>): unknown =>
  Exit.isFailure(exit) ? Option.getOrUndefined(Option.map(Cause.failureOption(exit.cause), (e) => e.toJSON())) : exit.value

/** Waits until the fiber under test has registered a sleep with the TestClock. */
const awaitSleep = Effect.gen(function*() {
  while (Chunk.isEmpty(yield* TestClock.sleeps())) yield* Effect.yieldNow()
})

const sendsTotal = (channel: string, outcome: string) =>
  Effect.map(Metric.snapshot, (pairs) => {
    const pair = pairs.find((p) =>
      p.metricKey.name === "switchboard_channel_sends_total" &&
      p.metricKey.tags.some((t) => t.key === "channel" && t.value === channel) &&
      p.metricKey.tags.some((t) => t.key === "outcome" && t.value === outcome)
    )
    if (pair === undefined) return 0
    const state = pair.metricState
    return MetricState.isCounterState(state) ? Number(state.count) : Number.NaN
  })

const histogramCount = (channel: string) =>
  Effect.map(Metric.snapshot, (pairs) => {
    const pair = pairs.find((p) =>
      p.metricKey.name === "switchboard_channel_send_duration_ms" &&
      p.metricKey.tags.some((t) => t.key === "channel" && t.value === channel)
    )
    return pair !== undefined && MetricState.isHistogramState(pair.metricState) ? pair.metricState.count : 0
  })

describe("Channel", () => {
  describe("make", () => {
    it.effect("sends a valid message to the resolved address", () =>
      Effect.gen(function*() {
        const id = freshId()
        const { calls, provider } = scripted(id, ["ok"])
        const channel = yield* Channel.make(provider)
        const message = yield* messageTo(Recipient.make({ phone }))
        const receipt = yield* channel.send(message)
        assert.strictEqual(channel.id, id)
        assert.strictEqual(receipt.messageId, message.id)
        assert.deepStrictEqual(calls, ["+31612345678"])
        assert.strictEqual(yield* channel.validate(message), "+31612345678")
        assert.strictEqual(calls.length, 1)
      }))

    it.effect("the provider's spans are children of the send's span, not of the span the channel was made in", () =>
      Effect.gen(function*() {
        const id = freshId()
        const parents: Array<string> = []
        const provider: Channel.Provider = {
          capabilities: capabilitiesFor(id),
          send: (message) =>
            Effect.flatMap(Effect.currentSpan, (span) => {
              parents.push(span.name)
              return receiptFor(id, message)
            }).pipe(Effect.orDie)
        }
        const channel = yield* Channel.make(provider).pipe(Effect.withSpan("startup"))
        yield* channel.send(yield* messageTo(Recipient.make({ phone })))
        assert.deepStrictEqual(parents, ["Channel.send"])
      }))

    it.effect("never calls the provider for content it cannot carry", () =>
      Effect.gen(function*() {
        const { calls, provider } = scripted(freshId(), ["ok"])
        const channel = yield* Channel.make(provider)
        const image = yield* messageTo(Recipient.make({ phone }), Content.image("https://example.com/a.png"))
        const tooLong = yield* messageTo(Recipient.make({ phone }), Content.text("x".repeat(161)))
        assert.strictEqual((yield* Effect.flip(channel.send(image)))._tag, "UnsupportedContent")
        assert.strictEqual((yield* Effect.flip(channel.send(tooLong)))._tag, "InvalidMessage")
        assert.strictEqual((yield* Effect.flip(channel.validate(image)))._tag, "UnsupportedContent")
        assert.strictEqual(calls.length, 0)
      }))

    it.effect("never calls the provider for a recipient it cannot address", () =>
      Effect.gen(function*() {
        const { calls, provider } = scripted(freshId(), ["ok"])
        const channel = yield* Channel.make(provider)
        const message = yield* messageTo(Recipient.make({ messengerId: "5234567890123456" }))
        const error = yield* Effect.flip(channel.send(message))
        assert.strictEqual(error._tag, "Unaddressable")
        if (error._tag === "Unaddressable") {
          assert.strictEqual(error.address, "phone")
          assert.isTrue(ChannelError.isSkip(error))
        }
        assert.strictEqual(calls.length, 0)
      }))

    it.effect("runs the provider's own validation with the address, before sending", () =>
      Effect.gen(function*() {
        const { calls, provider } = scripted(freshId(), ["ok"])
        const seen: Array<string> = []
        const channel = yield* Channel.make({
          ...provider,
          validate: (_message, to) =>
            Effect.suspend(() => {
              seen.push(to)
              return Effect.fail(
                new ChannelError.Unaddressable({ channel: "kpn", address: "phone", message: "not a Dutch mobile" })
              )
            })
        })
        const error = yield* Effect.flip(channel.send(yield* messageTo(Recipient.make({ phone }))))
        assert.strictEqual(error.message, "not a Dutch mobile")
        assert.deepStrictEqual(seen, ["+31612345678"])
        assert.strictEqual(calls.length, 0)
      }))

    it.effect("turns a defect in the provider into ProviderUnavailable", () =>
      Effect.gen(function*() {
        const { calls, provider } = scripted(freshId(), [{ die: new Error("undefined is not a function") }])
        const channel = yield* Channel.make(provider)
        const error = yield* Effect.flip(channel.send(yield* messageTo(Recipient.make({ phone }))))
        assert.strictEqual(error._tag, "ProviderUnavailable")
        assert.include(error.message, "undefined is not a function")
        assert.isTrue(error.retryable)
        assert.strictEqual(calls.length, 1)
      }))

    it.effect("turns an exception thrown before the provider returns an effect into ProviderUnavailable", () =>
      Effect.gen(function*() {
        const id = freshId()
        const channel = yield* Channel.make({
          capabilities: capabilitiesFor(id),
          send: () => {
            throw new Error("cannot read properties of undefined")
          }
        })
        const error = yield* Effect.flip(channel.send(yield* messageTo(Recipient.make({ phone }))))
        assert.strictEqual(error._tag, "ProviderUnavailable")
        assert.include(error.message, "cannot read properties of undefined")
        assert.strictEqual(yield* sendsTotal(id, "ProviderUnavailable"), 1)
      }))

    it.effect("turns a defect in the provider's own validation into ProviderUnavailable, without sending", () =>
      Effect.gen(function*() {
        const { calls, provider } = scripted(freshId(), ["ok"])
        const dying = yield* Channel.make({ ...provider, validate: () => Effect.die("validator bug") })
        const throwing = yield* Channel.make({
          ...provider,
          validate: () => {
            throw new Error("validator threw")
          }
        })
        const message = yield* messageTo(Recipient.make({ phone }))
        const died = yield* Effect.flip(dying.send(message))
        assert.strictEqual(died._tag, "ProviderUnavailable")
        assert.include(died.message, "validator bug")
        const threw = yield* Effect.flip(throwing.validate(message))
        assert.strictEqual(threw._tag, "ProviderUnavailable")
        assert.include(threw.message, "validator threw")
        assert.strictEqual(calls.length, 0)
      }))

    it.effect("keeps a channel error thrown as a defect as it is", () =>
      Effect.gen(function*() {
        const rejected = new ChannelError.Rejected({ channel: "x", message: "barred", rejection: "BlockedRecipient" })
        const { provider } = scripted(freshId(), [{ die: rejected }])
        const channel = yield* Channel.make(provider)
        const error = yield* Effect.flip(channel.send(yield* messageTo(Recipient.make({ phone }))))
        assert.strictEqual(error._tag, "Rejected")
        assert.strictEqual(error.message, "barred")
        if (error._tag === "Rejected") assert.strictEqual(error.rejection, "BlockedRecipient")
      }))

    it.effect("provides the provider's requirements once, at make", () =>
      Effect.gen(function*() {
        class Prefix extends Context.Tag("test/Prefix")<Prefix, string>() {}
        const id = freshId()
        const provider: Channel.Provider<Prefix> = {
          capabilities: capabilitiesFor(id),
          send: (message) =>
            Effect.flatMap(Prefix, (prefix) =>
              Effect.map(receiptFor(id, message), (r) => new Receipt.Receipt({ ...r, providerMessageIds: [prefix] })))
        }
        const channel = yield* Effect.provideService(Channel.make(provider), Prefix, "from-context")
        const receipt = yield* channel.send(yield* messageTo(Recipient.make({ phone })))
        assert.deepStrictEqual(receipt.providerMessageIds, ["from-context"])
      }))

    it.effect("records switchboard_channel_sends_total by channel and outcome", () =>
      Effect.gen(function*() {
        const id = freshId()
        const { provider } = scripted(id, [
          "ok",
          new ChannelError.Rejected({ channel: id, message: "no credit", rejection: "InsufficientCredit" }),
          "ok"
        ])
        const channel = yield* Channel.make(provider)
        const message = yield* messageTo(Recipient.make({ phone }))
        yield* channel.send(message)
        yield* Effect.flip(channel.send(message))
        yield* channel.send(message)
        yield* Effect.flip(channel.send(yield* messageTo(Recipient.make({ phone }), Content.image("https://e.com/a"))))
        assert.strictEqual(yield* sendsTotal(id, "accepted"), 2)
        assert.strictEqual(yield* sendsTotal(id, "Rejected"), 1)
        assert.strictEqual(yield* sendsTotal(id, "UnsupportedContent"), 1)
        assert.strictEqual(yield* sendsTotal(id, "RateLimited"), 0)
        assert.strictEqual(yield* histogramCount(id), 4)
      }))
  })

  describe("retries", () => {
    const policy: Channel.RetryPolicy = { attempts: 3, initialDelay: "100 millis" }

    it.effect("retries a retryable error with exponential backoff, then gives up", () =>
      Effect.gen(function*() {
        const id = freshId()
        const unavailable = new ChannelError.ProviderUnavailable({ channel: id, message: "502", status: 502 })
        const { calls, provider } = scripted(id, [unavailable])
        const channel = yield* Channel.make(provider, { retry: policy })
        const fiber = yield* Effect.fork(channel.send(yield* messageTo(Recipient.make({ phone }))))

        yield* awaitSleep
        assert.strictEqual(calls.length, 1)
        yield* TestClock.adjust("99 millis")
        assert.strictEqual(calls.length, 1)
        yield* TestClock.adjust("1 millis")
        yield* awaitSleep
        assert.strictEqual(calls.length, 2)
        // the second delay doubles
        yield* TestClock.adjust("199 millis")
        assert.strictEqual(calls.length, 2)
        yield* TestClock.adjust("1 millis")

        assert.deepStrictEqual(failureOf(yield* Fiber.await(fiber)), unavailable.toJSON())
        assert.strictEqual(calls.length, 3)
        assert.strictEqual(yield* sendsTotal(id, "ProviderUnavailable"), 1)
      }))

    it.effect("honours a RateLimited error's retryAfterMillis over a shorter backoff", () =>
      Effect.gen(function*() {
        const id = freshId()
        const limited = new ChannelError.RateLimited({ channel: id, message: "429", retryAfterMillis: 5_000 })
        const { calls, provider } = scripted(id, [limited, "ok"])
        const channel = yield* Channel.make(provider, { retry: policy })
        const fiber = yield* Effect.fork(channel.send(yield* messageTo(Recipient.make({ phone }))))

        yield* awaitSleep
        yield* TestClock.adjust("4999 millis")
        assert.strictEqual(calls.length, 1)
        assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
        yield* TestClock.adjust("1 millis")
        const receipt = yield* Fiber.join(fiber)
        assert.strictEqual(receipt.channel, id)
        assert.strictEqual(calls.length, 2)
        assert.strictEqual(yield* sendsTotal(id, "accepted"), 1)
        assert.strictEqual(yield* sendsTotal(id, "RateLimited"), 0)
      }))

    it.effect("does not retry errors that are not retryable", () =>
      Effect.gen(function*() {
        for (
          const error of [
            new ChannelError.Rejected({ channel: "x", message: "barred", rejection: "BlockedRecipient" }),
            new ChannelError.AuthenticationFailed({ channel: "x", message: "bad key" }),
            new ChannelError.InvalidMessage({ channel: "x", message: "bad sender", field: "sender" })
          ]
        ) {
          const { calls, provider } = scripted(freshId(), [error, "ok"])
          const channel = yield* Channel.make(provider, { retry: policy })
          const fiber = yield* Effect.fork(channel.send(yield* messageTo(Recipient.make({ phone }))))
          assert.deepStrictEqual(failureOf(yield* Fiber.await(fiber)), error.toJSON())
          assert.strictEqual(calls.length, 1)
          assert.isTrue(Chunk.isEmpty(yield* TestClock.sleeps()))
        }
      }))

    it.effect("withRetry works on any effect that fails with a channel error", () =>
      Effect.gen(function*() {
        let attempts = 0
        const flaky = Effect.suspend(() =>
          ++attempts < 3
            ? Effect.fail(new ChannelError.ProviderUnavailable({ channel: "x", message: "timeout" }))
            : Effect.succeed("done")
        )
        const fiber = yield* Effect.fork(Channel.withRetry(flaky, { attempts: 5, initialDelay: "1 second" }))
        yield* awaitSleep
        yield* TestClock.adjust("1 second")
        yield* awaitSleep
        yield* TestClock.adjust("2 seconds")
        assert.strictEqual(yield* Fiber.join(fiber), "done")
        assert.strictEqual(attempts, 3)
      }))

    it("retryDelay grows by factor, is capped at maxDelay, and never undercuts retry-after", () => {
      const p: Channel.RetryPolicy = { attempts: 10, initialDelay: "1 second", factor: 3, maxDelay: "5 seconds" }
      const unavailable = new ChannelError.ProviderUnavailable({ channel: "x", message: "503" })
      assert.strictEqual(Duration.toMillis(Channel.retryDelay(p, 1, unavailable)), 1_000)
      assert.strictEqual(Duration.toMillis(Channel.retryDelay(p, 2, unavailable)), 3_000)
      assert.strictEqual(Duration.toMillis(Channel.retryDelay(p, 3, unavailable)), 5_000)
      const limited = new ChannelError.RateLimited({ channel: "x", message: "429", retryAfterMillis: 60_000 })
      assert.strictEqual(Duration.toMillis(Channel.retryDelay(p, 1, limited)), 60_000)
    })
  })
})
