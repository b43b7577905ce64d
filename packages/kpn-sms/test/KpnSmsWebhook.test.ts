import { assert, describe, it } from "@effect/vitest"
import { KpnWebhookSignature } from "@switchboard/auth"
import type { Webhook } from "@switchboard/core"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { KpnSmsWebhook } from "../src/index.js"
import { fixtureText } from "./support/kpn.js"

const secret = Redacted.make("whsec-kpn-test-signing-secret")
const keyId = "wk_2C6EDCDFDFD944F3A75D0D36"

const post = (body: string, headers: Record<string, string> = {}): Webhook.Request => ({
  method: "POST",
  url: "https://example.com/webhooks/kpn",
  headers: { "content-type": "application/json", ...headers },
  body
})

const signed = (body: string, options: { readonly secret?: Redacted.Redacted<string>; readonly keyId?: string } = {}) =>
  Effect.map(
    KpnWebhookSignature.sign({ body, secret: options.secret ?? secret, keyId: options.keyId ?? keyId }),
    (headers) => post(body, { ...headers, [KpnWebhookSignature.attemptHeader]: "1" })
  )

const dlr = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    DLRID: "2f1c1e1e-0000-4000-8000-000000000001",
    document_id: "b4e905d4-774c-4c83-8360-01427e17a33a",
    RecipientPhonenumber: "+31612345678",
    Message: "Hi from KPN!",
    MessageType: "text",
    Status: "1",
    StatusDescription: "Delivered",
    ErrorCode: "000",
    StatusDateTime: 1767225600,
    ...fields
  })

describe("KpnSmsWebhook", () => {
  it.effect("parses a signed delivery report into a StatusUpdate", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1767225600_000)
      const events = yield* KpnSmsWebhook.parse(yield* signed(dlr()), { secret })
      assert.strictEqual(events.length, 1)
      const update = events[0]!
      assert.strictEqual(update._tag, "StatusUpdate")
      if (update._tag !== "StatusUpdate") return
      assert.strictEqual(update.channel, "sms.kpn")
      assert.strictEqual(update.providerMessageId, "b4e905d4-774c-4c83-8360-01427e17a33a")
      assert.strictEqual(update.state, "delivered")
      assert.strictEqual(update.providerCode, "1")
      assert.strictEqual(update.providerText, "Delivered")
      assert.strictEqual(update.recipient, "+31612345678")
      assert.isTrue(DateTime.Equivalence(update.at, DateTime.unsafeMake("2026-01-01T00:00:00Z")))
    }))

  it.effect("maps every KPN status code, and the failure codes with their meaning", () =>
    Effect.gen(function*() {
      const expected: Record<string, string> = {
        "1": "delivered",
        "2": "accepted",
        "3": "submitted",
        "4": "failed",
        "5": "rejected",
        "6": "expired"
      }
      for (const [status, state] of Object.entries(expected)) {
        for (const encoded of [status, Number(status)]) {
          const [update] = yield* KpnSmsWebhook.parse(post(dlr({ Status: encoded, StatusDescription: undefined })), {
            verification: "disabled"
          })
          assert.strictEqual(update!._tag === "StatusUpdate" ? update!.state : undefined, state)
          assert.strictEqual(
            update!._tag === "StatusUpdate" ? update!.providerText : undefined,
            KpnSmsWebhook.deliveryStatuses[status]!.meaning
          )
        }
      }
      for (const [code, meaning] of Object.entries(KpnSmsWebhook.failureCodes)) {
        const [update] = yield* KpnSmsWebhook.parse(
          post(dlr({ Status: "4", StatusDescription: "Failed", ErrorCode: code })),
          { verification: "disabled" }
        )
        if (update!._tag !== "StatusUpdate") throw new Error("expected a status update")
        assert.strictEqual(update!.providerCode, code)
        assert.strictEqual(update!.providerText, `Failed: ${meaning}`)
      }
      // a numeric error code is KPN's three-digit code
      const [numeric] = yield* KpnSmsWebhook.parse(post(dlr({ Status: 5, ErrorCode: 3 })), { verification: "disabled" })
      assert.strictEqual(numeric!._tag === "StatusUpdate" ? numeric!.providerCode : undefined, "003")
    }))

  it("its tables match KPN's published status and failure codes", () => {
    const yml = fixtureText("kpn-sms-error-codes.yml")
    const codes = [...yml.matchAll(/- code: '?(\d{3})'?\n\s+meaning: (.+)\n/g)].map((m) => [m[1]!, m[2]!.trim()])
    assert.strictEqual(codes.length, 30)
    assert.deepStrictEqual(Object.fromEntries(codes), KpnSmsWebhook.failureCodes)
    const statuses = [...yml.matchAll(/- code: (\d)\n\s+meaning: (\w+)\n/g)].map((m) => [m[1]!, m[2]!])
    assert.deepStrictEqual(
      Object.fromEntries(statuses),
      Object.fromEntries(Object.entries(KpnSmsWebhook.deliveryStatuses).map(([code, s]) => [code, s.meaning]))
    )
  })

  it.effect("uses DLRID when KPN's privacy settings leave out the document id and the recipient", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ DLRID: "dlr-1", Status: "1", StatusDateTime: "1767225600000" })
      const [update] = yield* KpnSmsWebhook.parse(post(body), { verification: "disabled" })
      if (update!._tag !== "StatusUpdate") throw new Error("expected a status update")
      assert.strictEqual(update!.providerMessageId, "dlr-1")
      assert.strictEqual(update!.recipient, undefined)
      assert.isTrue(DateTime.Equivalence(update!.at, DateTime.unsafeMake("2026-01-01T00:00:00Z")))
    }))

  it.effect("parses a signed inbound SMS into an InboundMessage", () =>
    Effect.gen(function*() {
      const body = fixtureText("spec-generated/inbound-sms.json")
      yield* TestClock.setTime(Date.UTC(2024, 3, 30, 14, 38))
      const [inbound] = yield* KpnSmsWebhook.parse(yield* signed(body), { secrets: { [keyId]: secret } })
      if (inbound!._tag !== "InboundMessage") throw new Error("expected an inbound message")
      assert.strictEqual(inbound!.channel, "sms.kpn")
      assert.strictEqual(inbound!.providerMessageId, "6W0000001G7BB999.3197000000000")
      assert.strictEqual(inbound!.from, "31600000000")
      assert.strictEqual(inbound!.to, "3197000000000")
      assert.deepStrictEqual(inbound!.content._tag === "Text" ? inbound!.content.text : undefined, "Hey this is an inbound response.")
      assert.isTrue(DateTime.Equivalence(inbound!.receivedAt, DateTime.unsafeMake("2024-04-30T14:37:42.218Z")))
    }))

  it.effect("inbound binary and empty SMS", () =>
    Effect.gen(function*() {
      const base = { sender: "31612345678", recipient: "3197000000000", message_id: "m1", timestamp_utc: "2024-04-30T14:37:42Z" }
      const [binary] = yield* KpnSmsWebhook.parse(post(JSON.stringify({ ...base, content: "0a0b", type: "binary" })), {
        verification: "disabled"
      })
      assert.strictEqual(binary!._tag === "InboundMessage" ? binary!.content._tag : undefined, "Binary")
      const [empty] = yield* KpnSmsWebhook.parse(post(JSON.stringify({ ...base, content: "", type: "text" })), {
        verification: "disabled"
      })
      assert.strictEqual(empty!._tag === "InboundMessage" ? empty!.content._tag : undefined, "Unsupported")
    }))

  it.effect("parses a list of reports", () =>
    Effect.gen(function*() {
      const body = `[${dlr({ Status: "3" })},${dlr({ Status: "1" })}]`
      const events = yield* KpnSmsWebhook.parse(post(body), { verification: "disabled" })
      assert.deepStrictEqual(events.map((e) => e._tag === "StatusUpdate" ? e.state : e._tag), ["submitted", "delivered"])
    }))

  describe("verification", () => {
    const refused = (request: Webhook.Request, options: KpnSmsWebhook.Options) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(KpnSmsWebhook.parse(request, options))
        assert.strictEqual(error.reason, "Unauthorized")
        assert.strictEqual(error.status, 401)
        assert.notInclude(error.message, Redacted.value(secret))
        return error
      })

    it.effect("rejects unsigned requests when a secret is configured", () =>
      Effect.gen(function*() {
        yield* refused(post(dlr()), { secret })
        yield* refused(post(fixtureText("spec-generated/inbound-sms.json")), { secrets: { [keyId]: secret } })
      }))

    it.effect("rejects forged requests: another body, another secret, another key", () =>
      Effect.gen(function*() {
        const genuine = yield* signed(dlr())
        yield* refused({ ...genuine, body: dlr({ Status: "5" }) }, { secret })
        yield* refused(yield* signed(dlr(), { secret: Redacted.make("not the secret") }), { secret })
        yield* refused(yield* signed(dlr(), { keyId: "wk_other" }), { secrets: { [keyId]: secret } })
        const tampered = {
          ...genuine,
          headers: { ...genuine.headers, [KpnWebhookSignature.signatureHeader]: "0".repeat(64) }
        }
        yield* refused(tampered, { secret })
      }))

    it.effect("rejects a replay outside the timestamp window", () =>
      Effect.gen(function*() {
        const request = yield* signed(dlr())
        yield* TestClock.adjust("6 minutes")
        yield* refused(request, { secret })
        assert.strictEqual((yield* KpnSmsWebhook.parse(request, { secret, toleranceSeconds: 600 })).length, 1)
      }))

    it.effect("accepts either key during a rotation", () =>
      Effect.gen(function*() {
        const next = Redacted.make("the-next-signing-secret")
        const secrets = { [keyId]: secret, wk_next: next }
        assert.strictEqual((yield* KpnSmsWebhook.parse(yield* signed(dlr()), { secrets })).length, 1)
        assert.strictEqual(
          (yield* KpnSmsWebhook.parse(yield* signed(dlr(), { secret: next, keyId: "wk_next" }), { secrets })).length,
          1
        )
      }))

    it.effect("an empty secret counts as none: a request signed with the empty key is refused", () =>
      Effect.gen(function*() {
        const empty = Redacted.make("")
        const forged = yield* signed(dlr(), { secret: empty })
        yield* refused(forged, { secret: empty })
        yield* refused(forged, { secrets: { [keyId]: empty } })
        // exactly as if no secret were configured
        assert.strictEqual((yield* KpnSmsWebhook.parse(post(dlr()), { secret: empty, verification: "disabled" })).length, 1)
      }))

    it.effect("refuses everything when no secret is configured, unless verification is disabled", () =>
      Effect.gen(function*() {
        const error = yield* refused(yield* signed(dlr()), {})
        assert.include(error.message, "KPN_WEBHOOK_SECRET")
        assert.strictEqual((yield* KpnSmsWebhook.parse(post(dlr()), { verification: "disabled" })).length, 1)
        // a configured secret is always checked
        yield* refused(post(dlr()), { secret, verification: "disabled" })
      }))
  })

  it.effect("answers 405 to anything but POST and 400 to what is not a KPN webhook", () =>
    Effect.gen(function*() {
      const get = yield* Effect.flip(KpnSmsWebhook.parse({ ...post(dlr()), method: "GET" }, { verification: "disabled" }))
      assert.strictEqual(get.status, 405)
      const malformed: Array<string> = [
        "not json",
        "[]",
        "42",
        "[1]",
        JSON.stringify({ hello: "world" }),
        dlr({ Status: "9" }),
        dlr({ Status: undefined }),
        dlr({ document_id: undefined, DLRID: undefined }),
        dlr({ StatusDateTime: "yesterday" }),
        JSON.stringify({ sender: "31612345678", recipient: "31970", message_id: "m", content: "hi", timestamp_utc: "soon" }),
        JSON.stringify({ sender: "31612345678", message_id: "m", content: "hi" })
      ]
      for (const body of malformed) {
        const error = yield* Effect.flip(KpnSmsWebhook.parse(post(body), { verification: "disabled" }))
        assert.strictEqual(error.status, 400, body)
      }
    }))

  it.effect("fed garbage, it fails with a WebhookError and never throws or dies", () =>
    Effect.gen(function*() {
      const json = FastCheck.oneof(
        FastCheck.string(),
        FastCheck.json(),
        FastCheck.jsonValue().map((value) => JSON.stringify(value)),
        FastCheck.record({
          Status: FastCheck.oneof(FastCheck.string(), FastCheck.integer(), FastCheck.constant(null)),
          StatusDateTime: FastCheck.oneof(FastCheck.string(), FastCheck.double(), FastCheck.constant(null)),
          document_id: FastCheck.oneof(FastCheck.string(), FastCheck.integer()),
          ErrorCode: FastCheck.oneof(FastCheck.string(), FastCheck.integer(), FastCheck.double())
        }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
        FastCheck.record({
          sender: FastCheck.string(),
          recipient: FastCheck.string(),
          message_id: FastCheck.oneof(FastCheck.string(), FastCheck.integer()),
          content: FastCheck.oneof(FastCheck.string(), FastCheck.constant(null)),
          timestamp_utc: FastCheck.string(),
          type: FastCheck.string()
        }, { requiredKeys: [] }).map((value) => JSON.stringify(value))
      )
      const headers = FastCheck.dictionary(
        FastCheck.oneof(
          FastCheck.constantFrom(
            KpnWebhookSignature.signatureHeader,
            KpnWebhookSignature.timestampHeader,
            KpnWebhookSignature.keyIdHeader,
            "content-type"
          ),
          FastCheck.string()
        ),
        FastCheck.string()
      )
      const request = FastCheck.record({
        method: FastCheck.oneof(FastCheck.constant("POST"), FastCheck.string()),
        url: FastCheck.string(),
        headers,
        body: json
      })
      const options = FastCheck.constantFrom<KpnSmsWebhook.Options>(
        { verification: "disabled" },
        { secret },
        { secrets: { [keyId]: secret } },
        {}
      )
      yield* Effect.promise(() =>
        FastCheck.assert(
          FastCheck.asyncProperty(request, options, async (req, opts) => {
            const exit = await Effect.runPromiseExit(KpnSmsWebhook.parse(req, opts))
            if (Exit.isFailure(exit)) {
              const failure = Cause.failureOption(exit.cause)
              if (failure._tag === "None") throw new Error(`not a typed failure: ${Cause.pretty(exit.cause)}`)
              if (failure.value._tag !== "WebhookError") throw new Error("not a WebhookError")
            }
          }),
          { numRuns: 500 }
        )
      )
    }))

  describe("configuration", () => {
    const load = (env: Record<string, string>) =>
      Effect.withConfigProvider(KpnSmsWebhook.config, ConfigProvider.fromMap(new Map(Object.entries(env))))

    it.effect("needs a secret unless KPN_WEBHOOK_VERIFY=false", () =>
      Effect.gen(function*() {
        const missing = yield* Effect.flip(load({}))
        assert.include(String(missing), "KPN_WEBHOOK_SECRET")
        const unsigned = yield* load({ KPN_WEBHOOK_VERIFY: "false" })
        assert.strictEqual(unsigned.verification, "disabled")
        const single = yield* load({ KPN_WEBHOOK_SECRET: "s1", KPN_WEBHOOK_TOLERANCE: "60" })
        assert.strictEqual(Redacted.value(single.secret!), "s1")
        assert.strictEqual(single.toleranceSeconds, 60)
        const rotation = yield* load({ KPN_WEBHOOK_SECRETS: "wk_a=s1, wk_b=s2" })
        assert.deepStrictEqual(Object.keys(rotation.secrets!), ["wk_a", "wk_b"])
        assert.strictEqual(Redacted.value(rotation.secrets!.wk_b!), "s2")
        assert.include(String(yield* Effect.flip(load({ KPN_WEBHOOK_SECRET: "" }))), "KPN_WEBHOOK_SECRET")
        const bad = yield* Effect.flip(load({ KPN_WEBHOOK_SECRETS: "no-equals-sign" }))
        assert.include(String(bad), "KPN_WEBHOOK_SECRETS")
        assert.notInclude(String(bad), "no-equals-sign")
      }))

    it.effect("the layer parses with the configured secret", () =>
      Effect.gen(function*() {
        const webhook = yield* KpnSmsWebhook.KpnSmsWebhook
        const events = yield* webhook.parse(yield* signed(dlr()))
        assert.strictEqual(events.length, 1)
        yield* Effect.flip(webhook.parse(post(dlr())))
      }).pipe(
        Effect.provide(KpnSmsWebhook.layerConfig),
        Effect.withConfigProvider(
          ConfigProvider.fromMap(new Map([["KPN_WEBHOOK_SECRET", Redacted.value(secret)]]))
        )
      ))
  })
})
