import { assert, describe, it } from "@effect/vitest"
import { VonageSignature } from "@switchboard/auth"
import { Content, type InboundMessage, type Status, type Webhook } from "@switchboard/core"
import { ConcatStore, VonageSmsWebhook } from "@switchboard/vonage-sms"
import * as Chunk from "effect/Chunk"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { formRequest, getRequest, jsonRequest, transports } from "./helpers.js"

const Store = ConcatStore.layerMemory({ ttl: "2 minutes" })

/** Unsigned webhooks, said explicitly (verification is on by default). */
const unsigned: VonageSmsWebhook.Options = { verification: "disabled" }

const parse = (request: Webhook.Request, options: VonageSmsWebhook.Options = unsigned) =>
  VonageSmsWebhook.parse(request, options).pipe(Effect.provide(Store))

const dlr = {
  msisdn: "447700900000",
  to: "AcmeInc",
  "network-code": "23410",
  messageId: "0A0000001234567B",
  price: "0.03330000",
  status: "delivered",
  scts: "2001011400",
  "err-code": "0",
  "api-key": "abcd1234",
  "client-ref": "order-1234",
  "message-timestamp": "2020-01-01 14:00:05"
}

const inbound = {
  "api-key": "abcd1234",
  msisdn: "447700900001",
  to: "447700900000",
  messageId: "0A0000000123ABCD1",
  text: "Hello world",
  type: "text",
  keyword: "HELLO",
  "message-timestamp": "2020-01-01 12:00:00"
}

const part = (n: number, total: number, text: string, extra: Record<string, string> = {}) => ({
  ...inbound,
  messageId: `part-${n}`,
  text,
  concat: "true",
  "concat-ref": "42",
  "concat-total": String(total),
  "concat-part": String(n),
  ...extra
})

const onlyStatus = (events: ReadonlyArray<Webhook.Event>): Status.StatusUpdate => {
  assert.strictEqual(events.length, 1)
  const event = events[0]!
  assert.strictEqual(event._tag, "StatusUpdate")
  return event as Status.StatusUpdate
}

const onlyInbound = (events: ReadonlyArray<Webhook.Event>): InboundMessage.InboundMessage => {
  assert.strictEqual(events.length, 1)
  const event = events[0]!
  assert.strictEqual(event._tag, "InboundMessage")
  return event as InboundMessage.InboundMessage
}

describe("VonageSmsWebhook", () => {
  describe("delivery receipts", () => {
    for (const [name, request] of transports) {
      it.effect(`a delivered receipt (${name}) becomes a StatusUpdate`, () =>
        Effect.gen(function*() {
          const update = onlyStatus(yield* parse(request(dlr)))
          assert.strictEqual(update.channel, "sms.vonage")
          assert.strictEqual(update.providerMessageId, "0A0000001234567B")
          assert.strictEqual(update.messageId, "order-1234")
          assert.strictEqual(update.state, "delivered")
          assert.strictEqual(update.providerCode, "0")
          assert.strictEqual(update.providerText, "delivered (Delivered)")
          assert.strictEqual(update.price, "0.03330000")
          assert.strictEqual(update.network, "23410")
          assert.strictEqual(update.recipient, "447700900000")
          assert.strictEqual(DateTime.formatIso(update.at), "2020-01-01T14:00:00.000Z")
        }))
    }

    const states: ReadonlyArray<readonly [string, string, Status.State]> = [
      ["delivered", "0", "delivered"],
      ["accepted", "0", "submitted"],
      ["buffered", "0", "submitted"],
      ["expired", "1", "expired"],
      ["rejected", "9", "rejected"],
      ["failed", "2", "undeliverable"],
      ["failed", "6", "rejected"],
      ["failed", "8", "failed"],
      ["failed", "77", "failed"],
      ["unknown", "1", "unknown"],
      ["something-new", "0", "unknown"]
    ]
    for (const [status, errCode, state] of states) {
      it.effect(`status ${status} with err-code ${errCode} is ${state}`, () =>
        Effect.gen(function*() {
          const update = onlyStatus(yield* parse(jsonRequest({ ...dlr, status, "err-code": errCode })))
          assert.strictEqual(update.state, state)
          assert.strictEqual(update.providerCode, errCode)
        }))
    }

    it.effect("the time falls back from scts to message-timestamp to timestamp", () =>
      Effect.gen(function*() {
        const { scts: _scts, ...withoutScts } = dlr
        const fromMessageTimestamp = onlyStatus(yield* parse(getRequest(withoutScts)))
        assert.strictEqual(DateTime.formatIso(fromMessageTimestamp.at), "2020-01-01T14:00:05.000Z")
        const iso = onlyStatus(
          yield* parse(jsonRequest({ ...withoutScts, "message-timestamp": "2020-01-01T12:00:00.000+02:00" }))
        )
        assert.strictEqual(DateTime.formatIso(iso.at), "2020-01-01T10:00:00.000Z")
        const { "message-timestamp": _mt, ...bare } = withoutScts
        const fromTimestamp = onlyStatus(yield* parse(jsonRequest({ ...bare, timestamp: 1582650446 })))
        assert.strictEqual(DateTime.toEpochMillis(fromTimestamp.at), 1582650446000)
        yield* TestClock.setTime(1_700_000_000_000)
        const now = onlyStatus(yield* parse(jsonRequest({ ...bare, "message-timestamp": {} })))
        assert.strictEqual(DateTime.toEpochMillis(now.at), 1_700_000_000_000)
      }))

    it.effect("a client-ref that is not a message id is not taken for one", () =>
      Effect.gen(function*() {
        const update = onlyStatus(yield* parse(formRequest({ ...dlr, "client-ref": "my reference with spaces" })))
        assert.isUndefined(update.messageId)
      }))

    it.effect("a receipt without messageId is Malformed", () =>
      Effect.gen(function*() {
        const { messageId: _id, ...rest } = dlr
        const error = yield* Effect.flip(parse(getRequest(rest)))
        assert.strictEqual(error._tag, "WebhookError")
        if (error._tag === "WebhookError") assert.strictEqual(error.reason, "Malformed")
      }))
  })

  describe("inbound SMS", () => {
    for (const [name, request] of transports) {
      it.effect(`a text message (${name}) becomes an InboundMessage`, () =>
        Effect.gen(function*() {
          const message = onlyInbound(yield* parse(request(inbound)))
          assert.strictEqual(message.channel, "sms.vonage")
          assert.strictEqual(message.providerMessageId, "0A0000000123ABCD1")
          assert.strictEqual(message.from, "447700900001")
          assert.strictEqual(message.to, "447700900000")
          assert.strictEqual(message.keyword, "HELLO")
          assert.deepStrictEqual(message.content, new Content.Text({ text: "Hello world" }))
          assert.strictEqual(DateTime.formatIso(message.receivedAt), "2020-01-01T12:00:00.000Z")
          assert.isUndefined(message.incomplete)
        }))

      it.effect(`a unicode message (${name}) keeps its characters`, () =>
        Effect.gen(function*() {
          const text = "こんにちは世界 😀 Ωμέγα"
          const message = onlyInbound(yield* parse(request({ ...inbound, type: "unicode", text, keyword: "こんにちは世界" })))
          assert.deepStrictEqual(message.content, new Content.Text({ text }))
        }))

      it.effect(`a binary message (${name}) becomes Binary content`, () =>
        Effect.gen(function*() {
          const { text: _text, keyword: _keyword, ...rest } = inbound
          const message = onlyInbound(
            yield* parse(request({ ...rest, type: "binary", data: "0011223344556677", udh: "06050415811581" }))
          )
          assert.deepStrictEqual(message.content, new Content.Binary({ body: "0011223344556677", udh: "06050415811581" }))
        }))
    }

    it.effect("binary data that is not hexadecimal is hex-encoded", () =>
      Effect.gen(function*() {
        const message = onlyInbound(yield* parse(jsonRequest({ ...inbound, type: "binary", data: "AB\u0001" })))
        assert.deepStrictEqual(message.content, new Content.Binary({ body: "414201" }))
      }))

    it.effect("an empty or unknown-type message is Unsupported content", () =>
      Effect.gen(function*() {
        const empty = onlyInbound(yield* parse(getRequest({ ...inbound, text: "" })))
        assert.deepStrictEqual(empty.content, new Content.Unsupported({ description: "an empty SMS" }))
        const vcard = onlyInbound(yield* parse(getRequest({ ...inbound, type: "vcard" })))
        assert.strictEqual(vcard.content._tag, "Unsupported")
      }))

    it.effect("the parts of a concatenated message are emitted once, together, in order, whatever the order", () =>
      Effect.gen(function*() {
        const parts = [part(3, 3, "!"), part(1, 3, "Hello "), part(1, 3, "Hello "), part(2, 3, "world")]
        const results: Array<ReadonlyArray<Webhook.Event>> = []
        for (const [i, p] of parts.entries()) {
          const request = transports[i % transports.length]![1]
          results.push(yield* VonageSmsWebhook.parse(request(p), unsigned))
        }
        assert.deepStrictEqual(results.slice(0, 3).map((r) => r.length), [0, 0, 0])
        const message = onlyInbound(results[3]!)
        assert.deepStrictEqual(message.content, new Content.Text({ text: "Hello world!" }))
        assert.strictEqual(message.providerMessageId, "part-1")
        assert.deepStrictEqual(message.providerMessageIds, ["part-1", "part-2", "part-3"])
        // a late copy of a part is ignored
        assert.deepStrictEqual(yield* VonageSmsWebhook.parse(getRequest(part(2, 3, "world")), unsigned), [])
        assert.deepStrictEqual(yield* VonageSmsWebhook.sweep(), [])
      }).pipe(Effect.provide(Store)))

    it.effect("binary parts are joined", () =>
      Effect.gen(function*() {
        const binary = (n: number, data: string) => ({ ...part(n, 2, ""), type: "binary", data, udh: `0500034202${n}` })
        assert.deepStrictEqual(yield* VonageSmsWebhook.parse(jsonRequest(binary(2, "cafe")), unsigned), [])
        const message = onlyInbound(yield* VonageSmsWebhook.parse(jsonRequest(binary(1, "0102")), unsigned))
        assert.deepStrictEqual(message.content, new Content.Binary({ body: "0102cafe" }))
      }).pipe(Effect.provide(Store)))

    it.effect("sets from different senders with the same concat-ref do not mix", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* VonageSmsWebhook.parse(getRequest(part(1, 2, "a")), unsigned), [])
        assert.deepStrictEqual(
          yield* VonageSmsWebhook.parse(getRequest({ ...part(2, 2, "b"), msisdn: "447700900099" }), unsigned),
          []
        )
        const message = onlyInbound(yield* VonageSmsWebhook.parse(getRequest(part(2, 2, "b")), unsigned))
        assert.deepStrictEqual(message.content, new Content.Text({ text: "ab" }))
      }).pipe(Effect.provide(Store)))

    it.effect("an incomplete set is emitted with incomplete: true once the TTL has passed", () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* VonageSmsWebhook.parse(getRequest(part(1, 3, "Hello ")), unsigned), [])
        assert.deepStrictEqual(yield* VonageSmsWebhook.parse(getRequest(part(3, 3, "!")), unsigned), [])
        yield* TestClock.adjust("119 seconds")
        assert.deepStrictEqual(yield* VonageSmsWebhook.sweep(), [])
        yield* TestClock.adjust("1 second")
        const [message, ...rest] = yield* VonageSmsWebhook.sweep()
        assert.strictEqual(rest.length, 0)
        assert.isTrue(message!.incomplete)
        assert.deepStrictEqual(message!.content, new Content.Text({ text: "Hello !" }))
        assert.deepStrictEqual(message!.providerMessageIds, ["part-1", "part-3"])
        // the missing part arriving late does not start a new set
        assert.deepStrictEqual(yield* VonageSmsWebhook.parse(getRequest(part(2, 3, "world")), unsigned), [])
        yield* TestClock.adjust("5 minutes")
        assert.deepStrictEqual(yield* VonageSmsWebhook.sweep(), [])
      }).pipe(Effect.provide(Store)))

    it.effect("incomplete() streams expired sets as time passes", () =>
      Effect.gen(function*() {
        const fiber = yield* VonageSmsWebhook.incomplete({ channel: "sms.test", interval: "10 seconds" }).pipe(
          Stream.take(1),
          Stream.runCollect,
          Effect.fork
        )
        yield* VonageSmsWebhook.parse(getRequest(part(2, 2, "tail")), unsigned)
        yield* TestClock.adjust("2 minutes")
        yield* TestClock.adjust("10 seconds")
        const [message] = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
        assert.strictEqual(message!.channel, "sms.test")
        assert.isTrue(message!.incomplete)
        assert.deepStrictEqual(message!.content, new Content.Text({ text: "tail" }))
      }).pipe(Effect.provide(Store)))

    it.effect("concat fields out of range are Malformed", () =>
      Effect.gen(function*() {
        for (const bad of [part(4, 3, "x"), part(0, 3, "x"), { ...part(1, 3, "x"), "concat-total": "many" }]) {
          const error = yield* Effect.flip(parse(getRequest(bad)))
          assert.strictEqual(error._tag === "WebhookError" ? error.reason : error._tag, "Malformed")
        }
      }))

    it.effect("concat-total 1 is a single message", () =>
      Effect.gen(function*() {
        const message = onlyInbound(yield* parse(getRequest(part(1, 1, "single"))))
        assert.deepStrictEqual(message.content, new Content.Text({ text: "single" }))
      }))
  })

  describe("signatures", () => {
    const secret = Redacted.make("my-signature-secret")

    for (const algorithm of VonageSignature.algorithms) {
      for (const [name, request] of transports) {
        it.effect(`a request signed with ${algorithm} (${name}) is accepted`, () =>
          Effect.gen(function*() {
            const signed = yield* VonageSignature.sign({ params: { ...dlr, nonce: "n-1" }, secret, algorithm })
            const update = onlyStatus(yield* parse(request(signed), { signature: { secret, algorithm } }))
            assert.strictEqual(update.state, "delivered")
          }))
      }
    }

    it.effect("unsigned, forged, stale and tampered requests are Unauthorized", () =>
      Effect.gen(function*() {
        const signature = { secret, algorithm: "sha256" as const }
        const signed = yield* VonageSignature.sign({ params: inbound, secret, algorithm: "sha256" })
        const forged = yield* VonageSignature.sign({
          params: inbound,
          secret: Redacted.make("someone-else"),
          algorithm: "sha256"
        })
        const cases: ReadonlyArray<Webhook.Request> = [
          getRequest(inbound),
          getRequest(forged),
          jsonRequest({ ...signed, text: "Hello w0rld" }),
          formRequest({ ...signed, sig: "not-hex" }),
          jsonRequest({ ...signed, keyword: { nested: "HELLO" } }),
          jsonRequest({ ...signed, timestamp: Number(signed["timestamp"]) + 1 })
        ]
        for (const request of cases) {
          const error = yield* Effect.flip(parse(request, { signature }))
          assert.strictEqual(error._tag === "WebhookError" ? error.reason : error._tag, "Unauthorized")
        }
        yield* TestClock.adjust("10 minutes")
        const stale = yield* Effect.flip(parse(getRequest(signed), { signature }))
        assert.strictEqual(stale._tag === "WebhookError" ? stale.reason : stale._tag, "Unauthorized")
        assert.strictEqual(
          onlyInbound(yield* parse(getRequest(signed), { signature: { ...signature, toleranceSeconds: 3600 } })).from,
          "447700900001"
        )
      }))

    it.effect("numbers in a signed JSON body are checked in their string form", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(1_582_650_446_000)
        const signed = yield* VonageSignature.sign({ params: dlr, secret, algorithm: "sha1" })
        const body = { ...signed, timestamp: Number(signed["timestamp"]) }
        assert.strictEqual(body.timestamp, 1582650446)
        const update = onlyStatus(yield* parse(jsonRequest(body), { signature: { secret, algorithm: "sha1" } }))
        assert.strictEqual(update.state, "delivered")
      }))

    it.effect("verification is on by default: without a secret and without the opt-out, every request is refused", () =>
      Effect.gen(function*() {
        const signed = yield* VonageSignature.sign({ params: dlr, secret, algorithm: "sha256" })
        // what a JavaScript caller (no type checking) can still pass
        const missing = [undefined, {}, { channel: "sms.vonage" }, { verification: "required" }] as unknown as ReadonlyArray<
          VonageSmsWebhook.Options
        >
        for (const options of missing) {
          for (const request of [getRequest(dlr), getRequest(signed)]) {
            const error = yield* Effect.flip(
              VonageSmsWebhook.parse(request, options).pipe(Effect.provide(Store))
            )
            assert.strictEqual(error._tag === "WebhookError" ? error.reason : error._tag, "Unauthorized")
            assert.include(error.message, "verification: \"disabled\"")
          }
        }
        // an empty secret would let anyone sign: it counts as none
        const empty = yield* Effect.flip(
          parse(getRequest(dlr), { signature: { secret: Redacted.make(""), algorithm: "sha256" } })
        )
        assert.strictEqual(empty._tag === "WebhookError" ? empty.reason : empty._tag, "Unauthorized")
      }))

    it.effect("with the opt-out, a configured secret is still checked", () =>
      Effect.gen(function*() {
        const options: VonageSmsWebhook.Options = { verification: "disabled", signature: { secret, algorithm: "sha256" } }
        const error = yield* Effect.flip(parse(getRequest(dlr), options))
        assert.strictEqual(error._tag === "WebhookError" ? error.reason : error._tag, "Unauthorized")
        const signed = yield* VonageSignature.sign({ params: dlr, secret, algorithm: "sha256" })
        assert.strictEqual(onlyStatus(yield* parse(getRequest(signed), options)).state, "delivered")
      }))

    it("the options type requires a signature or the opt-out", () => {
      // @ts-expect-error: neither a signature nor verification: "disabled"
      const none: VonageSmsWebhook.Options = { channel: "sms.vonage" }
      // @ts-expect-error: the parser needs its options
      const parser = () => VonageSmsWebhook.parser()
      assert.isDefined(none)
      assert.isFunction(parser)
    })

    it.effect("with verification disabled and no secret, a sig in the request is not checked", () =>
      Effect.gen(function*() {
        const update = onlyStatus(yield* parse(jsonRequest({ ...dlr, timestamp: "1582650446", nonce: "x", sig: "00" })))
        assert.strictEqual(update.state, "delivered")
      }))
  })

  describe("malformed requests", () => {
    it.effect("another method is MethodNotAllowed", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(parse({ ...jsonRequest(dlr), method: "PUT" }))
        assert.strictEqual(error._tag === "WebhookError" ? error.status : 0, 405)
      }))

    it.effect("a JSON body that does not parse, or is not an object, is Malformed", () =>
      Effect.gen(function*() {
        for (const body of ["{", "[1,2]", "\"text\""]) {
          const error = yield* Effect.flip(parse({ ...jsonRequest(dlr), body }))
          assert.strictEqual(error._tag === "WebhookError" ? error.status : 0, 400)
        }
      }))

    it.effect("a request that is neither kind is Malformed", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(parse(getRequest({ hello: "world" })))
        assert.strictEqual(error._tag === "WebhookError" ? error.reason : error._tag, "Malformed")
      }))

    const value = FastCheck.oneof(
      FastCheck.string(),
      FastCheck.integer().map(String),
      FastCheck.constantFrom("true", "1", "3", "0", "256", "-1", "text", "binary", "unicode", "delivered", "failed"),
      FastCheck.jsonValue()
    )
    const keys = FastCheck.constantFrom(
      "msisdn", "to", "messageId", "status", "err-code", "scts", "price", "network-code", "client-ref", "text", "type",
      "data", "udh", "keyword", "concat", "concat-ref", "concat-total", "concat-part", "message-timestamp",
      "timestamp", "sig", "nonce", "api-key", "__proto__", "constructor"
    )
    const params = FastCheck.dictionary(FastCheck.oneof(keys, FastCheck.string()), value, { maxKeys: 12 })
    const request = FastCheck.oneof(
      params.map((p) => getRequest(p)),
      params.map((p) => formRequest(p)),
      params.map((p) => jsonRequest(p)),
      FastCheck.record({
        method: FastCheck.constantFrom("GET", "POST", "PUT", "get", ""),
        url: FastCheck.oneof(FastCheck.string(), FastCheck.webUrl({ withQueryParameters: true })),
        headers: FastCheck.dictionary(FastCheck.constantFrom("content-type", "Content-Type", "x"), FastCheck.string()),
        body: FastCheck.oneof(FastCheck.string(), FastCheck.jsonValue().map((j) => JSON.stringify(j) ?? ""))
      })
    )

    it.effect.prop("garbage never defects: it is events or a WebhookError", [request, FastCheck.boolean()], ([req, signed]) =>
      Effect.gen(function*() {
        const options: VonageSmsWebhook.Options = signed
          ? { signature: { secret: Redacted.make("s"), algorithm: "md5hash" } }
          : unsigned
        const exit = yield* Effect.exit(Effect.either(parse(req, options)))
        assert.isTrue(Exit.isSuccess(exit), "the parser defected")
        if (Exit.isSuccess(exit) && Either.isLeft(exit.value)) {
          assert.strictEqual(exit.value.left._tag, "WebhookError")
        }
      }), { fastCheck: { numRuns: 400 } })
  })
})
