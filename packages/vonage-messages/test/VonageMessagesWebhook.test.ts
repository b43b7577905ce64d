import { assert, describe, it } from "@effect/vitest"
import { MessagesWebhookJwt } from "@switchboard/auth"
import * as Content from "@switchboard/core/Content"
import type { InboundMessage } from "@switchboard/core/InboundMessage"
import type { StatusUpdate } from "@switchboard/core/Status"
import * as Webhook from "@switchboard/core/Webhook"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as fc from "fast-check"
import * as fs from "node:fs"
import * as path from "node:path"
import * as VonageMessagesWebhook from "../src/VonageMessagesWebhook.js"

const secret = Redacted.make("webhook-signature-secret")
const fixture = (file: string): string =>
  fs.readFileSync(path.join(__dirname, "fixtures", "payloads", file), "utf8")

const post = (body: string, headers: Record<string, string> = {}): Webhook.Request => ({
  method: "POST",
  url: "https://example.com/webhooks/messages/status",
  headers: { "content-type": "application/json", ...headers },
  body
})

const signed = { api: "v1", signatureSecret: secret } as const

const failure = <A>(exit: Exit.Exit<A, Webhook.WebhookError>): Webhook.WebhookError => {
  assert.isTrue(Exit.isFailure(exit), "expected a failure")
  const error = Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : undefined
  assert.isTrue(error !== undefined && error._tag === "Some", "expected a typed failure")
  return (error as { readonly value: Webhook.WebhookError }).value
}

describe("VonageMessagesWebhook", () => {
  describe("v1 signatures", () => {
    const body = fixture("derived/v1_status_whatsapp_rejected_1250.json")

    it.effect("accepts a webhook signed with the signature secret", () =>
      Effect.gen(function*() {
        const jwt = yield* MessagesWebhookJwt.sign({ body, secret, applicationId: "app-1" })
        const events = yield* VonageMessagesWebhook.parse(post(body, { Authorization: `Bearer ${jwt}` }), signed)
        assert.strictEqual((events[0] as StatusUpdate).state, "rejected")
      }))

    it.effect("refuses a webhook without a signature (401)", () =>
      Effect.gen(function*() {
        const error = failure(yield* Effect.exit(VonageMessagesWebhook.parse(post(body), signed)))
        assert.strictEqual(error.reason, "Unauthorized")
        assert.strictEqual(error.status, 401)
      }))

    it.effect("refuses a body changed after signing", () =>
      Effect.gen(function*() {
        const jwt = yield* MessagesWebhookJwt.sign({ body, secret })
        const tampered = body.replace("rejected", "delivered")
        const error = failure(
          yield* Effect.exit(VonageMessagesWebhook.parse(post(tampered, { authorization: `Bearer ${jwt}` }), signed))
        )
        assert.strictEqual(error.reason, "Unauthorized")
        assert.include(error.message, "payload_hash")
      }))

    it.effect("refuses a token signed with another secret", () =>
      Effect.gen(function*() {
        const jwt = yield* MessagesWebhookJwt.sign({ body, secret: Redacted.make("another-secret") })
        const error = failure(
          yield* Effect.exit(VonageMessagesWebhook.parse(post(body, { authorization: `Bearer ${jwt}` }), signed))
        )
        assert.strictEqual(error.reason, "Unauthorized")
        assert.notInclude(error.message, "webhook-signature-secret")
      }))

    it.effect("refuses a token older than the tolerance", () =>
      Effect.gen(function*() {
        const jwt = yield* MessagesWebhookJwt.sign({ body, secret })
        yield* TestClock.adjust("10 minutes")
        const error = failure(
          yield* Effect.exit(VonageMessagesWebhook.parse(post(body, { authorization: `Bearer ${jwt}` }), signed))
        )
        assert.strictEqual(error.reason, "Unauthorized")
        const tolerant = yield* VonageMessagesWebhook.parse(post(body, { authorization: `Bearer ${jwt}` }), {
          ...signed,
          toleranceSeconds: 3600
        })
        assert.strictEqual(tolerant.length, 1)
      }))

    it.effect("checks the application when one is pinned", () =>
      Effect.gen(function*() {
        const jwt = yield* MessagesWebhookJwt.sign({ body, secret, applicationId: "app-2" })
        const error = failure(
          yield* Effect.exit(
            VonageMessagesWebhook.parse(post(body, { authorization: `Bearer ${jwt}` }), {
              ...signed,
              applicationId: "app-1"
            })
          )
        )
        assert.strictEqual(error.reason, "Unauthorized")
      }))
  })

  it.effect("answers 405 to anything but POST", () =>
    Effect.gen(function*() {
      const error = failure(
        yield* Effect.exit(VonageMessagesWebhook.parse({ ...post(""), method: "GET" }, { api: "v0.1" }))
      )
      assert.strictEqual(error.reason, "MethodNotAllowed")
      assert.strictEqual(error.status, 405)
    }))

  it.effect("refuses a v0.1 payload where v1 is configured, and the other way round", () =>
    Effect.gen(function*() {
      const v01 = fixture("derived/v0.1_status_whatsapp_rejected_1300.json")
      const v1 = fixture("derived/v1_status_whatsapp_rejected_1250.json")
      const a = failure(yield* Effect.exit(VonageMessagesWebhook.parse(post(v01), { api: "v1", verifySignature: false })))
      const b = failure(yield* Effect.exit(VonageMessagesWebhook.parse(post(v1), { api: "v0.1" })))
      assert.strictEqual(a.reason, "Malformed")
      assert.strictEqual(b.reason, "Malformed")
    }))

  it.effect("refuses bodies that are not JSON objects, and a bad timestamp", () =>
    Effect.gen(function*() {
      for (const body of ["", "not json", "[]", "42", "null"]) {
        const error = failure(yield* Effect.exit(VonageMessagesWebhook.parse(post(body), { api: "v0.1" })))
        assert.strictEqual(error.reason, "Malformed")
      }
      const badTime = JSON.stringify({ ...JSON.parse(fixture("derived/v0.1_status_whatsapp_rejected_1300.json")), timestamp: "yesterday" })
      const error = failure(yield* Effect.exit(VonageMessagesWebhook.parse(post(badTime), { api: "v0.1" })))
      assert.strictEqual(error.reason, "Malformed")
      assert.include(error.message, "timestamp")
    }))

  it.effect("keeps an unknown status as unknown with its raw text", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({
        ...JSON.parse(fixture("derived/v1_status_whatsapp_delivered_no-error.json")),
        status: "deleted"
      })
      const [event] = yield* VonageMessagesWebhook.parse(post(body), { api: "v1", verifySignature: false })
      const update = event as StatusUpdate
      assert.strictEqual(update.state, "unknown")
      assert.strictEqual(update.providerText, "deleted")
    }))

  it.effect("passes WhatsApp template button replies through as Custom content, and reads v0.1 templates", () =>
    Effect.gen(function*() {
      const button = JSON.stringify({
        ...JSON.parse(fixture("v1-spec-generated/inbound_whatsapp_text.json")),
        message_type: "button",
        text: undefined,
        button: { payload: "yes-please", text: "Yes" }
      })
      const [reply] = yield* VonageMessagesWebhook.parse(post(button), { api: "v1", verifySignature: false })
      assert.deepStrictEqual(
        (reply as InboundMessage).content,
        Content.custom({ message_type: "button", button: { payload: "yes-please", text: "Yes" } })
      )
      const v01 = JSON.parse(fixture("v0.1-spec-generated/inbound_whatsapp_text.json"))
      v01.message.content = {
        type: "template",
        template: { name: "whatsapp:hsm:technology:nexmo:verify", parameters: [{ default: "Nexmo" }, "64873"] }
      }
      const [template] = yield* VonageMessagesWebhook.parse(post(JSON.stringify(v01)), { api: "v0.1" })
      assert.deepStrictEqual(
        (template as InboundMessage).content,
        Content.template("whatsapp:hsm:technology:nexmo:verify", ["Nexmo", "64873"])
      )
    }))

  it.effect("reports locations out of range as unsupported content rather than failing the webhook", () =>
    Effect.gen(function*() {
      const body = JSON.parse(fixture("v0.1-spec-generated/inbound_whatsapp_location.json"))
      body.message.content.location.latitude = "137.5"
      const [event] = yield* VonageMessagesWebhook.parse(post(JSON.stringify(body)), { api: "v0.1" })
      assert.strictEqual((event as InboundMessage).content._tag, "Unsupported")
    }))

  describe("garbage never throws", () => {
    const fixtures = [
      "v1-spec-generated/inbound_whatsapp_location.json",
      "v1-spec-generated/status_whatsapp.json",
      "v1-spec-generated/inbound_sms.json",
      "v0.1-spec-generated/inbound_whatsapp_image.json",
      "v0.1-spec-generated/status_all.json",
      "v0.1-spec-generated/inbound_viber_text.json"
    ].map((file) => JSON.parse(fixture(file)) as Record<string, unknown>)

    // a fixture with some fields replaced by anything at all, at the top level or one level down
    const mutated = fc.tuple(
      fc.constantFrom(...fixtures),
      fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom("message_uuid", "timestamp", "status", "channel", "from", "to", "message_type",
            "message", "error", "usage", "client_ref", "text", "location", "image", "context", "sms", "__proto__",
            "constructor"), fc.string()),
          fc.option(fc.constantFrom("type", "content", "url", "title", "code", "lat", "number", "id"), { nil: undefined }),
          fc.anything()
        ),
        { maxLength: 4 }
      )
    ).map(([base, edits]) => {
      const copy: Record<string, any> = JSON.parse(JSON.stringify(base))
      for (const [key, inner, value] of edits) {
        if (inner !== undefined && typeof copy[key] === "object" && copy[key] !== null) copy[key][inner] = value
        else copy[key] = value
      }
      return JSON.stringify(copy) ?? ""
    })

    const body = fc.oneof(fc.string(), fc.json(), mutated)
    const request = fc.record({
      method: fc.oneof(fc.constant("POST"), fc.string()),
      body,
      authorization: fc.option(fc.oneof(fc.string(), fc.string().map((s) => `Bearer ${s}`)), { nil: undefined })
    })
    const options = fc.constantFrom<VonageMessagesWebhook.Options>(
      { api: "v1", verifySignature: false },
      { api: "v0.1" },
      signed
    )

    it.effect("every outcome is a list of events or a WebhookError", () =>
      Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(request, options, async (input, option) => {
            const exit = await Effect.runPromiseExit(
              VonageMessagesWebhook.parse({
                method: input.method,
                url: "https://example.com/hook",
                headers: input.authorization === undefined ? {} : { authorization: input.authorization },
                body: input.body
              }, option)
            )
            if (Exit.isSuccess(exit)) return exit.value.length === 1
            const error = Cause.failureOption(exit.cause)
            return Cause.isFailType(exit.cause) && error._tag === "Some" && error.value instanceof Webhook.WebhookError
          }),
          { numRuns: 400 }
        )
      ))
  })
})
