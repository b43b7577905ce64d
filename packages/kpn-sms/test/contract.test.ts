/**
 * Contract tests: the real client, channel and webhook parser against `@switchboard/simulator`, in process on
 * 127.0.0.1, over real sockets (undici), with KPN's token endpoint, quota headers, faults and signed
 * webhooks. Real time is used (`it.live`); nothing asserts on durations.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, it } from "@effect/vitest"
import { assert } from "@effect/vitest"
import { OAuthClientCredentials } from "@switchboard/auth"
import { Content, Message, type Phone, Recipient, Status } from "@switchboard/core"
import { Simulator } from "@switchboard/simulator"
import { WebhookReceiver } from "@switchboard/testing"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { KpnSmsChannel, KpnSmsClient, KpnSmsWebhook } from "../src/index.js"
import { loadSendOperation } from "./support/openapi.js"

const signingSecret = "kpn-contract-signing-secret-5e9d"
const signingKey = { keyId: "wk_CONTRACT0001", secret: signingSecret }
const clientSecret = "kpn-contract-client-secret-b71f"

const kpnLayer = (baseUrl: string, options: KpnSmsClient.Options) =>
  KpnSmsClient.layer({ baseUrl, rateLimit: false, ...options }).pipe(
    Layer.provideMerge(
      OAuthClientCredentials.layer({
        clientId: "kpn-contract-client",
        clientSecret: Redacted.make(clientSecret),
        tokenUrl: `${baseUrl}/oauth/client_credential/accesstoken`,
        proactiveRefresh: false
      })
    )
  )

/**
 * A webhook receiver on 127.0.0.1 mounting `KpnSmsWebhook.parser` with core's `WebhookHttp`, exactly as an
 * application would: `/signed` requires signatures with the signing secret, `/unsigned` has
 * `verification: "disabled"`.
 */
const receiverOf = WebhookReceiver.make({
  parsers: {
    "/signed": KpnSmsWebhook.parser({ secret: Redacted.make(signingSecret) }),
    "/unsigned": KpnSmsWebhook.parser({ verification: "disabled" })
  }
})

/** A receiver, a simulator with `scenario` (given the receiver's URL), and the client on both. */
const setup = (scenario: (receiverUrl: string) => unknown = () => ({}), options: KpnSmsClient.Options = {}) =>
  Effect.gen(function*() {
    // everything lives in the test's scope: the HTTP client, the receiver, the simulator, the token cache
    const http = yield* Layer.build(NodeHttpClient.layerUndici)
    const receiver = yield* receiverOf
    const simulator = yield* Simulator.make({ scenario: scenario(receiver.url) }).pipe(Effect.provide(http))
    const context = yield* Layer.build(kpnLayer(simulator.baseUrl, options)).pipe(Effect.provide(http))
    const kpn = Context.get(context, KpnSmsClient.KpnSmsClient)
    const channel = (channelOptions: KpnSmsChannel.Options = {}) =>
      KpnSmsChannel.make({ retry: false, ...channelOptions }).pipe(Effect.provide(context))
    return { receiver, simulator, kpn, channel }
  })

const message = (phone: string, text = "Your code is 123456") =>
  Message.make({ recipient: Recipient.make({ phone: phone as Phone.E164 }), content: Content.text(text) })

const numbers = (count: number, prefix = "3162"): Array<string> =>
  Array.from({ length: count }, (_, i) => `+${prefix}${String(i).padStart(7, "0")}`)

const smsRequestsOf = (simulator: Simulator.Service) =>
  Effect.map(simulator.requests, (all) => all.filter((request) => request.api === "kpn-sms"))

describe("KPN SMS against the simulator", () => {
  it.live("sends, and its receipt is the document id the simulator issued; requests match KPN's definition", () =>
    Effect.gen(function*() {
      const { simulator, kpn, channel } = yield* setup()
      const sms = yield* channel({ sender: "Switchboard" })
      const receipt = yield* sms.send(yield* message("+31612345678"))
      const direct = yield* kpn.send({ messages: [{ to: ["0612345679", "097012345678"], text: "Tot zo 👋" }] })

      const accepted = yield* simulator.messages
      assert.deepStrictEqual(accepted.map((m) => m.id), [receipt.providerMessageIds[0], direct.documentId])
      assert.strictEqual(accepted[0]!.to, "+31612345678")
      assert.strictEqual(accepted[0]!.from, "Switchboard")
      assert.strictEqual(accepted[1]!.to, "+31612345679,+3197012345678")

      const operation = yield* loadSendOperation
      const requests = yield* smsRequestsOf(simulator)
      assert.strictEqual(requests.length, 2)
      for (const request of requests) {
        assert.strictEqual(request.path, operation.path)
        assert.deepStrictEqual(operation.validate(request, { bearer: false }), [])
        assert.match(request.headers["authorization"] ?? "", /^Bearer /)
        assert.strictEqual(request.status, 200)
      }
    }).pipe(Effect.scoped))

  it.live("the older path is served too", () =>
    Effect.gen(function*() {
      const { simulator, kpn } = yield* setup(undefined, { path: KpnSmsClient.legacyPath })
      const result = yield* kpn.send({ messages: [{ to: "0612345678", text: "legacy" }] })
      const [request] = yield* smsRequestsOf(simulator)
      assert.strictEqual(request!.path, "/messaging/sms-kpn/v1/send")
      assert.strictEqual((yield* simulator.messages)[0]!.id, result.documentId)
    }).pipe(Effect.scoped))

  it.live("batches a broadcast of 450 recipients into calls of 200, 200 and 50, all accepted", () =>
    Effect.gen(function*() {
      const { simulator, kpn } = yield* setup()
      const result = yield* kpn.broadcast({ text: "Storm warning: stay indoors", to: numbers(450) })
      assert.strictEqual(result.accepted.length, 450)
      assert.strictEqual(result.failed.length, 0)
      const accepted = yield* simulator.messages
      assert.deepStrictEqual(accepted.map((m) => m.to.split(",").length), [200, 200, 50])
      assert.deepStrictEqual(accepted.map((m) => m.id), result.documentIds)
      assert.strictEqual(Option.getOrThrow(yield* kpn.lastQuota).used, 3)
    }).pipe(Effect.scoped))

  it.live("Dutch validation: the client refuses before any I/O; the simulator's own refusal maps to InvalidMessage", () =>
    Effect.gen(function*() {
      const { simulator, kpn, channel } = yield* setup(() => ({
        rules: [{ to: "+3161111*", outcome: { type: "reject", stage: "submit", text: "Invalid mobile number" } }]
      }))
      const sms = yield* channel()
      for (const phone of ["+447911123456", "+31201234567", "+31671234567"]) {
        const error = yield* Effect.flip(sms.send(yield* message(phone)))
        assert.strictEqual(error._tag, "Unaddressable")
      }
      const sender = yield* Effect.flip(kpn.send({ sender: "TwelveLetter", messages: [{ to: "0612345678", text: "x" }] }))
      assert.strictEqual(sender._tag, "InvalidMessage")
      assert.strictEqual((yield* simulator.requests).length, 0)

      const refused = yield* Effect.flip(sms.send(yield* message("+31611110000")))
      assert.strictEqual(refused._tag, "InvalidMessage")
      assert.strictEqual(refused.providerCode, "400")
      assert.strictEqual(refused.providerText, "Invalid mobile number")
    }).pipe(Effect.scoped))

  it.live("reads the quota headers, and a used-up quota is RateLimited with the gateway's Retry-After", () =>
    Effect.gen(function*() {
      const { kpn } = yield* setup(() => ({ account: { quotaLimit: 3 } }))
      for (let i = 1; i <= 3; i++) {
        const result = yield* kpn.send({ messages: [{ to: "0612345678", text: `call ${i}` }] })
        assert.strictEqual(result.quota?.limit, 3)
        assert.strictEqual(result.quota?.used, i)
        assert.strictEqual(result.quota?.timeUnit, "month")
        assert.strictEqual(result.quota?.interval, 1)
        assert.isDefined(result.quota?.resetAt)
        assert.strictEqual(result.apiVersion, "v1")
        assert.strictEqual(result.sunset, undefined)
      }
      const error = yield* Effect.flip(kpn.send({ messages: [{ to: "0612345678", text: "one too many" }] }))
      assert.strictEqual(error._tag, "RateLimited")
      assert.strictEqual(error.providerCode, "policies.ratelimit.QuotaViolation")
      assert.strictEqual(error._tag === "RateLimited" ? error.retryAfterMillis : undefined, 60_000)
      const quota = Option.getOrThrow(yield* kpn.lastQuota)
      assert.strictEqual(quota.remaining, 0)
    }).pipe(Effect.scoped))

  it.live("429: RateLimited with Retry-After, and the channel's retry policy waits it out", () =>
    Effect.gen(function*() {
      const { simulator, channel } = yield* setup(() => ({
        rules: [{ to: "+31612345678", times: 1, outcome: { type: "throttle", retryAfterSeconds: 1 } }]
      }))
      const once = yield* channel()
      const error = yield* Effect.flip(once.send(yield* message("+31612345678")))
      assert.strictEqual(error._tag === "RateLimited" ? error.retryAfterMillis : undefined, 1000)

      yield* simulator.loadScenario({
        rules: [{ to: "+31612345678", times: 1, outcome: { type: "throttle", retryAfterSeconds: 1 } }]
      })
      const retrying = yield* channel({ retry: { attempts: 2, initialDelay: "10 millis" } })
      const receipt = yield* retrying.send(yield* message("+31612345678"))
      const statuses = (yield* smsRequestsOf(simulator)).map((r) => r.status)
      assert.deepStrictEqual(statuses.slice(-2), [429, 200])
      assert.strictEqual((yield* simulator.messages).at(-1)!.id, receipt.providerMessageIds[0])
    }).pipe(Effect.scoped))

  it.live("faults: 5xx, a dropped connection and no answer are ProviderUnavailable; wrong credentials AuthenticationFailed", () =>
    Effect.gen(function*() {
      const { simulator, kpn } = yield* setup(() => ({
        rules: [
          { to: "+31610000500", outcome: { type: "server-error" } },
          { to: "+31610000503", outcome: { type: "server-error", status: 503 } },
          { to: "+31610000999", outcome: { type: "drop-connection" } },
          { to: "+31610000888", outcome: { type: "never-answer" } }
        ]
      }), { timeout: "1 second" })
      for (const [to, status] of [["+31610000500", 500], ["+31610000503", 503]] as const) {
        const error = yield* Effect.flip(kpn.send({ messages: [{ to, text: "x" }] }))
        assert.strictEqual(error._tag, "ProviderUnavailable")
        assert.strictEqual(error._tag === "ProviderUnavailable" ? error.status : undefined, status)
        assert.strictEqual(error.providerText, "Internal Server Error")
      }
      assert.strictEqual((yield* Effect.flip(kpn.send({ messages: [{ to: "+31610000999", text: "x" }] })))._tag, "ProviderUnavailable")
      const hang = yield* Effect.flip(kpn.send({ messages: [{ to: "+31610000888", text: "x" }] }))
      assert.strictEqual(hang._tag, "ProviderUnavailable")
      assert.include(hang.message, "did not answer")

      yield* simulator.loadScenario({ credentials: { kpn: { clientId: "someone-else", clientSecret: "other" } } })
      yield* simulator.expireTokens
      const refused = yield* Effect.flip(kpn.send({ messages: [{ to: "0612345678", text: "x" }] }))
      assert.strictEqual(refused._tag, "AuthenticationFailed")
      assert.strictEqual(refused.channel, "sms.kpn")
      assert.notInclude(JSON.stringify(refused), clientSecret)
    }).pipe(Effect.scoped))

  for (const invalidTokenStatus of [401, 500] as const) {
    it.live(`renews the token in the middle of a stream of sends (invalid-token fault with HTTP ${invalidTokenStatus})`, () =>
      Effect.gen(function*() {
        const { simulator, kpn } = yield* setup(() => ({ tokens: { invalidTokenStatus } }))
        const send = (i: number) => kpn.send({ messages: [{ to: "0612345678", text: `message ${i}` }] })
        for (let i = 0; i < 5; i++) yield* send(i)
        assert.strictEqual((yield* simulator.counters).tokensIssued, 1)
        yield* simulator.expireTokens
        // the rest of the stream goes at once: one refresh serves all of them
        const rest = yield* Effect.forEach([5, 6, 7, 8, 9, 10, 11, 12, 13, 14], send, { concurrency: "unbounded" })
        assert.strictEqual(rest.length, 10)
        const counters = yield* simulator.counters
        assert.strictEqual(counters.tokensIssued, 2)
        assert.strictEqual(counters.messagesAccepted, 15)
        const faults = (yield* smsRequestsOf(simulator)).filter((r) => r.status === invalidTokenStatus)
        assert.isAtLeast(faults.length, 1)
        assert.isAtMost(faults.length, 10)
      }).pipe(Effect.scoped))
  }

  describe("delivery reports", () => {
    it.live("signed: delivered, with the interim report first, for the receipt's document id", () =>
      Effect.gen(function*() {
        const { receiver, simulator, channel } = yield* setup(() => ({
          rules: [{ to: "+31612345678", outcome: { type: "deliver" }, callbacks: { interim: true } }],
          webhooks: { kpnSms: { signingKey } }
        }))
        const sms = yield* channel({ webhookUrl: `${receiver.url}/signed` })
        assert.deepStrictEqual(sms.capabilities.receipts, ["delivered"])
        const receipt = yield* sms.send(yield* message("+31612345678"))
        yield* simulator.drain
        const events = yield* receiver.events.takeN(2)
        const updates = events.flatMap((e) => e._tag === "StatusUpdate" ? [e] : [])
        assert.deepStrictEqual(updates.map((u) => u.state), ["submitted", "delivered"])
        for (const update of updates) {
          assert.strictEqual(update.providerMessageId, receipt.providerMessageIds[0])
          assert.strictEqual(update.recipient, "+31612345678")
        }
        const merged = Status.mergeAll(updates.map(Status.fromUpdate))
        assert.strictEqual(Option.getOrThrow(merged).state, "delivered")
        const callbacks = yield* simulator.callbacks
        assert.isTrue(callbacks.every((c) => c.kind === "kpn-dlr" && c.status === 200))
      }).pipe(Effect.scoped))

    it.live("signed: failures carry KPN's status and failure codes; duplicates and reordering merge to one state", () =>
      Effect.gen(function*() {
        const { receiver, simulator, kpn } = yield* setup((url) => ({
          rules: [
            // the callback settings of the call's first recipient apply to the whole call: every recipient
            // gets an interim and a final report, last first, each sent twice
            {
              to: "+31611111111",
              outcome: { type: "undeliverable" },
              callbacks: { interim: true, order: "reverse", duplicate: 1 }
            },
            { to: "+31622222222", outcome: { type: "reject", stage: "receipt", code: 3 } },
            { to: "+31633333333", outcome: { type: "expire" } }
          ],
          webhooks: { kpnSms: { signingKey, inboundUrl: `${url}/signed` } }
        }))
        const result = yield* kpn.send({
          messages: [{ to: ["+31611111111", "+31622222222", "+31633333333"], text: "x" }],
          webhookUrl: `${receiver.url}/signed`
        })
        yield* simulator.drain
        const updates = (yield* receiver.events.takeN(12)).flatMap((e) => e._tag === "StatusUpdate" ? [e] : [])
        assert.strictEqual(updates.length, 12)
        // the final report arrived before the interim one, and twice
        assert.deepStrictEqual(updates.filter((u) => u.recipient === "+31633333333").map((u) => u.state), [
          "expired",
          "expired",
          "submitted",
          "submitted"
        ])
        assert.isTrue(updates.every((u) => u.providerMessageId === result.documentId))
        const byRecipient = (phone: string) =>
          Option.getOrThrow(Status.mergeAll(updates.filter((u) => u.recipient === phone).map(Status.fromUpdate)))
        const undeliverable = byRecipient("+31611111111")
        assert.strictEqual(undeliverable.state, "failed")
        assert.strictEqual(undeliverable.providerCode, "002")
        const rejected = byRecipient("+31622222222")
        assert.strictEqual(rejected.state, "rejected")
        assert.strictEqual(rejected.providerCode, "003")
        assert.include(rejected.providerText ?? "", "barred")
        const expired = byRecipient("+31633333333")
        assert.strictEqual(expired.state, "expired")
        assert.strictEqual(expired.providerCode, "024")
      }).pipe(Effect.scoped))

    it.live("unsigned: accepted where verification is disabled, refused with 401 where a secret is configured", () =>
      Effect.gen(function*() {
        const { receiver, simulator, kpn } = yield* setup()
        const open = yield* kpn.send({ messages: [{ to: "0612345678", text: "x" }], webhookUrl: `${receiver.url}/unsigned` })
        yield* simulator.drain
        const [update] = yield* receiver.events.takeN(1)
        assert.strictEqual(update!._tag === "StatusUpdate" ? update!.providerMessageId : undefined, open.documentId)

        yield* kpn.send({ messages: [{ to: "0612345678", text: "x" }], webhookUrl: `${receiver.url}/signed` })
        yield* simulator.drain
        const last = (yield* simulator.callbacks).at(-1)!
        assert.strictEqual(last.status, 401)
        assert.deepStrictEqual(yield* receiver.events.takeAll, [])
      }).pipe(Effect.scoped))

    it.live("forged: signed with another secret, refused with 401", () =>
      Effect.gen(function*() {
        const { receiver, simulator, kpn } = yield* setup(() => ({
          webhooks: { kpnSms: { signingKey: { keyId: "wk_CONTRACT0001", secret: "an-attacker-secret-000" } } }
        }))
        yield* kpn.send({ messages: [{ to: "0612345678", text: "x" }], webhookUrl: `${receiver.url}/signed` })
        yield* simulator.drain
        assert.strictEqual((yield* simulator.callbacks).at(-1)!.status, 401)
        assert.deepStrictEqual(yield* receiver.events.takeAll, [])
      }).pipe(Effect.scoped))
  })

  describe("inbound SMS", () => {
    for (const signed of [true, false]) {
      it.live(`${signed ? "signed" : "unsigned"}: the simulator's inbound webhook parses into an InboundMessage`, () =>
        Effect.gen(function*() {
          const { receiver, simulator } = yield* setup((url) => ({
            webhooks: {
              kpnSms: {
                inboundUrl: `${url}/${signed ? "signed" : "unsigned"}`,
                ...(signed ? { signingKey } : {})
              }
            }
          }))
          const sent = yield* simulator.inbound({
            api: "kpn-sms",
            from: "+31612345678",
            to: "+3197000000000",
            text: "Ja, 10:30 past goed"
          })
          assert.strictEqual(sent[0]!.status, 200)
          const [inbound] = yield* receiver.events.takeN(1)
          if (inbound!._tag !== "InboundMessage") throw new Error("expected an inbound message")
          assert.strictEqual(inbound!.channel, "sms.kpn")
          assert.strictEqual(inbound!.from, "31612345678")
          assert.strictEqual(inbound!.to, "3197000000000")
          assert.strictEqual(inbound!.providerMessageId, sent[0]!.messageId)
          assert.strictEqual(inbound!.content._tag === "Text" ? inbound!.content.text : undefined, "Ja, 10:30 past goed")
        }).pipe(Effect.scoped))
    }

    it.live("unsigned inbound to a receiver with a secret is refused with 401", () =>
      Effect.gen(function*() {
        const { receiver, simulator } = yield* setup((url) => ({ webhooks: { kpnSms: { inboundUrl: `${url}/signed` } } }))
        const sent = yield* simulator.inbound({ api: "kpn-sms", from: "+31612345678", to: "+3197000000000", text: "hi" })
        assert.strictEqual(sent[0]!.status, 401)
        assert.deepStrictEqual(yield* receiver.events.takeAll, [])
      }).pipe(Effect.scoped))
  })
})
