import { assert, describe, it } from "@effect/vitest"
import * as Content from "@switchboard/core/Content"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import * as MessageLog from "../src/MessageLog.js"
import * as Route from "../src/Route.js"
import * as TestChannels from "./fixtures/channels.js"
import { eventually, memoryRouter } from "./fixtures/harness.js"

// Every test runs on the in-memory engine and the TestClock: backoff, deadlines and retry-after only pass
// when the test adjusts the clock.

const count = (channel: TestChannels.TestChannel) => Effect.map(Ref.get(channel.sends), (all) => all.length)

const hasEvent = (log: MessageLog.Service, messageId: string, tag: MessageLog.Event["_tag"], times = 1) =>
  Effect.map(log.timeline(messageId), (entries) => entries.filter((e) => e.event._tag === tag).length >= times)

describe("Router transitions (in-memory engine, TestClock)", () => {
  it.scoped("retries a retryable error after the backoff, then succeeds", () =>
    Effect.gen(function*() {
      const sms = yield* TestChannels.make({
        id: "sms",
        script: [TestChannels.unavailable("sms"), TestChannels.rateLimited("sms", 5_000), "ok"]
      })
      const { log, router, tags } = yield* memoryRouter([sms])
      const message = yield* TestChannels.message("retry-1")
      const route = Route.make([{ channel: "sms", attempts: 3, backoff: { initial: "1 second" } }])

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* eventually("first attempt fails", hasEvent(log, message.id, "AttemptFailed"))
      assert.strictEqual(yield* count(sms), 0)
      yield* TestClock.adjust("1 second")
      yield* eventually("second attempt fails", hasEvent(log, message.id, "AttemptFailed", 2))
      // the rate limit asked for 5 s, more than the 2 s exponential backoff
      yield* TestClock.adjust("4 seconds")
      assert.isFalse(yield* hasEvent(log, message.id, "Receipt"))
      yield* TestClock.adjust("1 second")
      const result = yield* Fiber.join(outcome)

      assert.strictEqual(result.status, "accepted")
      assert.strictEqual(result.channel, "sms")
      assert.strictEqual(result.steps[0]!.attempts, 3)
      assert.strictEqual(yield* count(sms), 1)
      const timeline = yield* log.timeline(message.id)
      const failures = timeline.flatMap((e) => e.event._tag === "AttemptFailed" ? [e.event] : [])
      assert.deepStrictEqual(failures.map((f) => [f.error._tag, f.retryInMillis]), [
        ["ProviderUnavailable", 1000],
        ["RateLimited", 5000]
      ])
      assert.deepStrictEqual(yield* tags(message.id), [
        "Accepted",
        "Attempt",
        "AttemptFailed",
        "Attempt",
        "AttemptFailed",
        "Attempt",
        "Receipt",
        "Outcome"
      ])
    }))

  it.scoped("a non-retryable error falls back to the next step at once", () =>
    Effect.gen(function*() {
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", script: [TestChannels.rejected("whatsapp")] })
      const sms = yield* TestChannels.make({ id: "sms" })
      const { router, tags } = yield* memoryRouter([whatsapp, sms])
      const message = yield* TestChannels.message("nonretry-1")
      const route = Route.make([{ channel: "whatsapp", attempts: 5 }, { channel: "sms" }])

      const outcome = yield* router.send(message, route)

      assert.strictEqual(outcome.status, "accepted")
      assert.strictEqual(outcome.channel, "sms")
      assert.strictEqual(outcome.step, 2)
      assert.strictEqual(outcome.steps[0]!.result, "failed")
      assert.strictEqual(outcome.steps[0]!.error, "Rejected")
      assert.strictEqual(outcome.steps[0]!.attempts, 1)
      assert.deepStrictEqual(yield* tags(message.id), [
        "Accepted",
        "Attempt",
        "AttemptFailed",
        "Fallback",
        "Attempt",
        "Receipt",
        "Outcome"
      ])
    }))

  it.scoped("exhausted retries fall back to the next step", () =>
    Effect.gen(function*() {
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", script: [TestChannels.unavailable("whatsapp")] })
      const sms = yield* TestChannels.make({ id: "sms" })
      const { log, router } = yield* memoryRouter([whatsapp, sms])
      const message = yield* TestChannels.message("exhausted-1")
      const route = Route.make([{ channel: "whatsapp", attempts: 2, backoff: { initial: "10 seconds" } }, {
        channel: "sms"
      }])

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* eventually("first attempt fails", hasEvent(log, message.id, "AttemptFailed"))
      yield* TestClock.adjust("10 seconds")
      const result = yield* Fiber.join(outcome)

      assert.strictEqual(result.channel, "sms")
      assert.strictEqual(result.steps[0]!.attempts, 2)
      assert.match(result.steps[0]!.reason, /ProviderUnavailable after 2 attempts/)
    }))

  it.scoped("skips steps that cannot address the recipient or carry the content, saying why", () =>
    Effect.gen(function*() {
      const messenger = yield* TestChannels.make({ id: "messenger", address: "messenger", outbound: ["Text", "Image"] })
      const sms = yield* TestChannels.make({ id: "sms" })
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", outbound: ["Text", "Image"] })
      const { log, router } = yield* memoryRouter([messenger, sms, whatsapp])
      const message = yield* TestChannels.message("skip-1", {
        content: Content.image("https://example.com/parcel.jpg")
      })
      const route = Route.make([{ channel: "messenger" }, { channel: "sms" }, { channel: "whatsapp" }])

      const outcome = yield* router.send(message, route)

      assert.strictEqual(outcome.channel, "whatsapp")
      assert.deepStrictEqual(outcome.steps.map((s) => [s.result, s.error]), [
        ["skipped", "Unaddressable"],
        ["skipped", "UnsupportedContent"],
        ["succeeded", undefined]
      ])
      assert.strictEqual(yield* count(messenger), 0)
      assert.strictEqual(yield* count(sms), 0)
      const skipped = (yield* log.timeline(message.id)).flatMap((e) => e.event._tag === "StepSkipped" ? [e.event] : [])
      assert.deepStrictEqual(skipped.map((s) => [s.step, s.channel, s.error]), [
        [1, "messenger", "Unaddressable"],
        [2, "sms", "UnsupportedContent"]
      ])
      assert.match(skipped[0]!.reason, /needs a messenger address/)
      assert.match(skipped[1]!.reason, /cannot send Image/)
    }))

  it.scoped("skips a step whose condition does not hold", () =>
    Effect.gen(function*() {
      const kpn = yield* TestChannels.make({ id: "sms.kpn" })
      const sms = yield* TestChannels.make({ id: "sms" })
      const { log, router } = yield* memoryRouter([kpn, sms])
      const message = yield* TestChannels.message("when-1")
      const route = Route.make([{ channel: "sms.kpn", when: { phonePrefix: ["+32"] } }, { channel: "sms" }])

      const outcome = yield* router.send(message, route)

      assert.strictEqual(outcome.channel, "sms")
      const skipped = (yield* log.timeline(message.id)).find((e) => e.event._tag === "StepSkipped")!
      assert.match(MessageLog.describe(skipped.event), /step 1 \(sms.kpn\) skipped: .*\+32/)
    }))

  it.scoped("waits for the receipt and succeeds when it arrives", () =>
    Effect.gen(function*() {
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", receipts: ["delivered", "read"] })
      const { log, router, suspended } = yield* memoryRouter([whatsapp])
      const message = yield* TestChannels.message("read-1")
      const route = Route.make([{ channel: "whatsapp", successOn: "read", within: "1 hour" }])

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* suspended(message, route)
      yield* router.onEvent(whatsapp.update(message.id, "delivered"))
      yield* suspended(message, route)
      assert.isTrue(Option.isNone(yield* router.outcome(message.id)))
      yield* router.onEvent(whatsapp.update(message.id, "read"))
      const result = yield* Fiber.join(outcome)

      assert.strictEqual(result.status, "read")
      assert.deepStrictEqual(result.providerMessageIds, [whatsapp.providerId(message.id)])
      const statuses = (yield* log.timeline(message.id)).flatMap((e) => e.event._tag === "Status" ? [e.event] : [])
      assert.deepStrictEqual(statuses.map((s) => [s.step, s.update.state]), [[1, "delivered"], [1, "read"]])
    }))

  it.scoped("a deadline without the receipt falls back to the next step", () =>
    Effect.gen(function*() {
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", receipts: ["delivered", "read"] })
      const sms = yield* TestChannels.make({ id: "sms" })
      const { log, router, suspended, tags } = yield* memoryRouter([whatsapp, sms])
      const message = yield* TestChannels.message("deadline-1")
      const route = Route.make([{ channel: "whatsapp", successOn: "read", within: "2 minutes" }, { channel: "sms" }])

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* suspended(message, route)
      yield* TestClock.adjust("119 seconds")
      yield* suspended(message, route)
      assert.isFalse(yield* hasEvent(log, message.id, "DeadlineExpired"))
      yield* TestClock.adjust("1 second")
      const result = yield* Fiber.join(outcome)

      assert.strictEqual(result.channel, "sms")
      assert.strictEqual(result.steps[0]!.result, "failed")
      assert.match(result.steps[0]!.reason, /no read receipt within 2m/)
      assert.deepStrictEqual(yield* tags(message.id), [
        "Accepted",
        "Attempt",
        "Receipt",
        "DeadlineExpired",
        "Fallback",
        "Attempt",
        "Receipt",
        "Outcome"
      ])
    }))

  it.scoped("a terminal failure status falls back to the next step", () =>
    Effect.gen(function*() {
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", receipts: ["delivered", "read"] })
      const sms = yield* TestChannels.make({ id: "sms" })
      const { router, suspended } = yield* memoryRouter([whatsapp, sms])
      const message = yield* TestChannels.message("undeliverable-1")
      const route = Route.make([{ channel: "whatsapp", successOn: "delivered", within: "1 hour" }, { channel: "sms" }])

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* suspended(message, route)
      yield* router.onEvent(whatsapp.update(message.id, "submitted"))
      yield* router.onEvent(whatsapp.update(message.id, "undeliverable", { code: "1300" }))
      const result = yield* Fiber.join(outcome)

      assert.strictEqual(result.channel, "sms")
      assert.deepStrictEqual([result.steps[0]!.result, result.steps[0]!.state], ["failed", "undeliverable"])
      assert.match(result.steps[0]!.reason, /reported undeliverable \(1300\)/)
    }))

  it.scoped("a success after fallback is recorded as a late delivery", () =>
    Effect.gen(function*() {
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", receipts: ["delivered", "read"] })
      const sms = yield* TestChannels.make({ id: "sms" })
      const { log, router, suspended } = yield* memoryRouter([whatsapp, sms])
      const message = yield* TestChannels.message("late-1")
      const route = Route.make([
        { channel: "whatsapp", successOn: "read", within: "1 minute" },
        { channel: "sms", successOn: "delivered", within: "1 hour" }
      ])

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* suspended(message, route)
      yield* TestClock.adjust("1 minute")
      yield* eventually("the SMS is sent", hasEvent(log, message.id, "Receipt", 2))
      yield* suspended(message, route)
      yield* router.onEvent(sms.update(message.id, "delivered"))
      const result = yield* Fiber.join(outcome)
      assert.strictEqual(result.status, "delivered")
      assert.strictEqual(result.channel, "sms")

      // WhatsApp's read receipt arrives after routing moved on
      yield* router.onEvent(whatsapp.update(message.id, "read"))
      const late = (yield* log.timeline(message.id)).flatMap((e) => e.event._tag === "LateDelivery" ? [e.event] : [])
      assert.deepStrictEqual(late.map((l) => [l.step, l.channel, l.state]), [[1, "whatsapp", "read"]])
      const summary = yield* log.summary(message.id)
      assert.isTrue(Option.isSome(summary) && summary.value.lateDelivery)
      // the outcome stays what routing decided
      assert.strictEqual(Option.getOrThrow(yield* router.outcome(message.id)).channel, "sms")
    }))

  it.scoped("every step failing ends failed, with every step's reason", () =>
    Effect.gen(function*() {
      const messenger = yield* TestChannels.make({ id: "messenger", address: "messenger" })
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", receipts: ["delivered", "read"] })
      const viber = yield* TestChannels.make({ id: "viber", script: [TestChannels.rejected("viber")] })
      const sms = yield* TestChannels.make({ id: "sms", script: [TestChannels.unavailable("sms")] })
      const { log, router, suspended } = yield* memoryRouter([messenger, whatsapp, viber, sms])
      const message = yield* TestChannels.message("allfail-1")
      const route = Route.make([
        { channel: "messenger" },
        { channel: "whatsapp", successOn: "delivered", within: "10 minutes" },
        { channel: "viber" },
        { channel: "sms", attempts: 2, backoff: { initial: "30 seconds" } }
      ])

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* suspended(message, route)
      yield* router.onEvent(whatsapp.update(message.id, "expired"))
      yield* eventually("the SMS fails once", hasEvent(log, message.id, "AttemptFailed", 2))
      yield* TestClock.adjust("30 seconds")
      const result = yield* Fiber.join(outcome)

      assert.strictEqual(result.status, "failed")
      assert.isUndefined(result.channel)
      assert.deepStrictEqual(result.steps.map((s) => [s.step, s.channel, s.result, s.error ?? s.state]), [
        [1, "messenger", "skipped", "Unaddressable"],
        [2, "whatsapp", "failed", "expired"],
        [3, "viber", "failed", "Rejected"],
        [4, "sms", "failed", "ProviderUnavailable"]
      ])
      for (const step of result.steps) assert.isAbove(step.reason.length, 10)
      const summary = Option.getOrThrow(yield* log.summary(message.id))
      assert.strictEqual(summary.status, "failed")
    }))

  it.scoped("status reports of a step that only needed acceptance are still logged", () =>
    Effect.gen(function*() {
      const sms = yield* TestChannels.make({ id: "sms" })
      const { log, router } = yield* memoryRouter([sms])
      const message = yield* TestChannels.message("accepted-1")
      const outcome = yield* router.send(message, Route.make([{ channel: "sms" }]))
      yield* router.onEvent(sms.update(message.id, "delivered"))

      assert.strictEqual(outcome.status, "accepted")
      const statuses = (yield* log.timeline(message.id)).flatMap((e) => e.event._tag === "Status" ? [e.event] : [])
      assert.deepStrictEqual(statuses.map((s) => [s.step, s.update.state]), [[1, "delivered"]])
      assert.isFalse(yield* hasEvent(log, message.id, "LateDelivery"))
    }))

  it.scoped("a receipt that arrives before the send returns is not lost", () =>
    Effect.gen(function*() {
      const deliver = yield* Ref.make<(id: string) => Effect.Effect<void>>(() => Effect.void)
      const sms = yield* TestChannels.make({
        id: "sms",
        // the provider's DLR webhook reaches the router before its HTTP response does
        onAccepted: (receipt) => Effect.flatMap(Ref.get(deliver), (f) => f(receipt.messageId))
      })
      const { router } = yield* memoryRouter([sms])
      yield* Ref.set(deliver, (id) => Effect.orDie(router.onEvent(sms.update(id, "delivered"))))
      const message = yield* TestChannels.message("early-1")
      const route = Route.make([{ channel: "sms", successOn: "delivered", within: "1 hour" }])

      const outcome = yield* router.send(message, route)

      assert.strictEqual(outcome.status, "delivered")
    }))

  it.scoped("submitting a message id again sends nothing and returns the first outcome", () =>
    Effect.gen(function*() {
      const sms = yield* TestChannels.make({ id: "sms" })
      const { log, router, suspended } = yield* memoryRouter([sms])
      const message = yield* TestChannels.message("dup-1")
      const route = Route.make([{ channel: "sms", successOn: "delivered", within: "1 hour" }])

      const first = yield* Effect.fork(router.send(message, route))
      yield* suspended(message, route)
      const again = yield* Effect.fork(router.send(message, route))
      yield* router.onEvent(sms.update(message.id, "delivered"))
      const [a, b] = [yield* Fiber.join(first), yield* Fiber.join(again)]
      const third = yield* router.send(message, Route.make([{ channel: "sms" }]))

      assert.strictEqual(yield* count(sms), 1)
      assert.deepStrictEqual(b, a)
      assert.deepStrictEqual(third, a)
      assert.strictEqual((yield* log.timeline(message.id)).filter((e) => e.event._tag === "Accepted").length, 1)
    }))

  it.scoped("duplicate and out-of-order status reports are harmless", () =>
    Effect.gen(function*() {
      const whatsapp = yield* TestChannels.make({ id: "whatsapp", receipts: ["delivered", "read"] })
      const { log, router, suspended } = yield* memoryRouter([whatsapp])
      const message = yield* TestChannels.message("ooo-1")
      const route = Route.make([{ channel: "whatsapp", successOn: "delivered", within: "1 hour" }])

      const outcome = yield* Effect.fork(router.send(message, route))
      yield* suspended(message, route)
      const read = whatsapp.update(message.id, "read", { at: 1_700_000_002_000 })
      const delivered = whatsapp.update(message.id, "delivered", { at: 1_700_000_001_000 })
      for (const update of [read, read, delivered, read]) yield* router.onEvent(update)
      const result = yield* Fiber.join(outcome)

      assert.strictEqual(result.status, "read")
      const statuses = (yield* log.timeline(message.id)).filter((e) => e.event._tag === "Status")
      assert.strictEqual(statuses.length, 2)
    }))

  it.scoped("refuses a route that names an unknown channel or waits for a receipt the channel never sends", () =>
    Effect.gen(function*() {
      const sms = yield* TestChannels.make({ id: "sms", receipts: ["delivered"] })
      const { router } = yield* memoryRouter([sms])
      const message = yield* TestChannels.message("invalid-route-1")

      const read = yield* Effect.flip(router.submit(message, Route.make([{ channel: "sms", successOn: "read", within: 1000 }])))
      assert(read._tag === "RouteError")
      assert.strictEqual(read.step, 1)
      assert.match(read.message, /step 1 \(sms\): successOn "read" but sms reports only delivered/)
      const unknown = yield* Effect.flip(router.submit(message, Route.make([{ channel: "sms" }, { channel: "fax" }])))
      assert(unknown._tag === "RouteError")
      assert.strictEqual(unknown.step, 2)
      assert.strictEqual(yield* count(sms), 0)
      assert.isTrue(Option.isNone(yield* router.outcome(message.id)))
      const notSubmitted = yield* Effect.flip(router.awaitOutcome(message.id))
      assert.strictEqual(notSubmitted._tag, "UnknownMessage")
    }))
})
