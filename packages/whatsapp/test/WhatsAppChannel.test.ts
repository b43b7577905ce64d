import { assert, describe, it } from "@effect/vitest"
import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import type * as Phone from "@switchboard/core/Phone"
import * as Recipient from "@switchboard/core/Recipient"
import type * as Webhook from "@switchboard/core/Webhook"
import { accepted, type Mode, mockedClient, sends } from "@switchboard/messages-testkit/MockMessagesApi"
import { MockHttpClient } from "@switchboard/testing"
import * as VonageMessagesWebhook from "@switchboard/vonage-messages/VonageMessagesWebhook"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { LibsqlClient } from "@effect/sql-libsql"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ConversationWindow from "../src/ConversationWindow.js"
import * as SqlConversationWindow from "../src/SqlConversationWindow.js"
import * as WhatsAppChannel from "../src/WhatsAppChannel.js"

const business = "447700900001"
const customer = Recipient.make({ phone: "+447700900000" as Phone.E164 })

const message = (content: Content.Outbound, fields: Partial<Parameters<typeof Message.make>[0]> = {}) =>
  Message.make({ recipient: customer, content, ...fields })

const channel = (mode: Mode, options: WhatsAppChannel.Options = {}, handler: MockHttpClient.Handler = MockHttpClient.always(accepted)) =>
  WhatsAppChannel.layer({ sender: business, templateLocale: "en_GB", ...options }).pipe(
    Layer.provideMerge(ConversationWindow.layerMemory),
    Layer.provideMerge(mockedClient(mode, handler))
  )

/** The inbound webhook WhatsApp would send (through Vonage) for a customer's message now. */
const inboundWebhook = (mode: Mode) =>
  Effect.map(DateTime.now, (now): Webhook.Request => ({
    method: "POST",
    url: "https://example.com/webhooks/inbound",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(
      mode === "vonage-basic"
        ? {
          channel: "whatsapp",
          message_uuid: "11111111-2222-3333-4444-555555555555",
          to: business,
          from: "447700900000",
          timestamp: DateTime.formatIso(now),
          message_type: "text",
          text: "Hi, can I move my appointment?"
        }
        : {
          message_uuid: "11111111-2222-3333-4444-555555555555",
          timestamp: DateTime.formatIso(now),
          to: { type: "whatsapp", number: business },
          from: { type: "whatsapp", number: "447700900000" },
          message: { content: { type: "text", text: "Hi, can I move my appointment?" } }
        }
    )
  }))

const webhookOptions = (mode: Mode): VonageMessagesWebhook.Options =>
  mode === "vonage-basic" ? { api: "v1", verifySignature: false } : { api: "v0.1" }

describe("WhatsAppChannel", () => {
  for (const mode of ["vonage-basic", "kpn"] as const) {
    describe(mode === "vonage-basic" ? "v1" : "v0.1 through KPN", () => {
      it.effect("the 24-hour window on the TestClock: inside text is sent; 24 h + 1 s after the last inbound text is refused and a template is sent", () =>
        Effect.gen(function*() {
          yield* TestClock.setTime(Date.parse("2026-03-02T09:00:00Z"))
          const whatsapp = yield* WhatsAppChannel.WhatsAppChannel

          // before the customer ever wrote: free-form text is refused without I/O
          const before = yield* Effect.flip(whatsapp.send(yield* message(Content.text("Hello"))))
          assert.strictEqual(before._tag, "InvalidMessage")
          assert.strictEqual(sends(yield* MockHttpClient.requests).length, 0)

          // the customer writes: the inbound webhook feeds the window
          const events = yield* VonageMessagesWebhook.parse(yield* inboundWebhook(mode), webhookOptions(mode))
          yield* ConversationWindow.observe(events)

          // inside the window: text is sent
          const inside = yield* whatsapp.send(yield* message(Content.text("Sure, which day suits you?")))
          assert.strictEqual(inside.channel, "whatsapp")
          assert.strictEqual(sends(yield* MockHttpClient.requests).length, 1)

          // 24 hours later, exactly: still inside
          yield* TestClock.adjust("24 hours")
          yield* whatsapp.send(yield* message(Content.text("Reminder: tomorrow at 10:30")))
          assert.strictEqual(sends(yield* MockHttpClient.requests).length, 2)

          // 24 h + 1 s after the last inbound message: text is refused before any I/O
          yield* TestClock.adjust("1 second")
          const outside = yield* message(Content.text("Are you still there?"))
          const refused = yield* Effect.flip(whatsapp.send(outside))
          assert.strictEqual(refused._tag, "InvalidMessage")
          assert.include(refused.message, WhatsAppChannel.outsideWindowMessage)
          assert.strictEqual(refused.channel, "whatsapp")
          assert.strictEqual((yield* Effect.flip(whatsapp.validate(outside)))._tag, "InvalidMessage")
          assert.strictEqual(sends(yield* MockHttpClient.requests).length, 2)

          // … and a template is sent
          const receipt = yield* whatsapp.send(yield* message(Content.template("appointment_reminder", ["Alice", "10:30"])))
          assert.deepStrictEqual(receipt.providerMessageIds, ["aaaaaaaa-bbbb-cccc-dddd-0123456789ab"])
          const all = sends(yield* MockHttpClient.requests)
          assert.strictEqual(all.length, 3)
          const body = MockHttpClient.bodyJson(all[2]!) as any
          if (mode === "vonage-basic") {
            assert.strictEqual(body.message_type, "template")
            assert.deepStrictEqual(body.whatsapp, { policy: "deterministic", locale: "en_GB" })
          } else {
            assert.strictEqual(body.message.content.type, "template")
            assert.deepStrictEqual(body.message.whatsapp, { policy: "deterministic", locale: "en_GB" })
          }

          // the customer writes again: the window reopens
          yield* ConversationWindow.observe(yield* VonageMessagesWebhook.parse(yield* inboundWebhook(mode), webhookOptions(mode)))
          yield* whatsapp.send(yield* message(Content.text("Thanks for your reply")))
          assert.strictEqual(sends(yield* MockHttpClient.requests).length, 4)
        }).pipe(Effect.provide(channel(mode))))

      it.effect("with the window check off, text goes out without any inbound message", () =>
        Effect.gen(function*() {
          const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
          yield* whatsapp.send(yield* message(Content.text("Hello")))
          assert.strictEqual(sends(yield* MockHttpClient.requests).length, 1)
        }).pipe(
          Effect.provide(
            WhatsAppChannel.layer({ sender: business, conversationWindow: "off" }).pipe(
              Layer.provideMerge(mockedClient(mode, MockHttpClient.always(accepted)))
            )
          )
        ))

      it.effect("a Custom payload of type template counts as a template for the window", () =>
        Effect.gen(function*() {
          const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
          yield* whatsapp.send(
            yield* message(Content.custom({ type: "template", template: { name: "reminder", language: { code: "en" } } }))
          )
          const refused = yield* Effect.flip(
            whatsapp.send(yield* message(Content.custom({ type: "interactive", interactive: { type: "button" } })))
          )
          assert.strictEqual(refused._tag, "InvalidMessage")
          assert.strictEqual(sends(yield* MockHttpClient.requests).length, 1)
        }).pipe(Effect.provide(channel(mode))))

      it.effect("refuses before any I/O what WhatsApp cannot carry", () =>
        Effect.gen(function*() {
          const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
          yield* ConversationWindow.record(business, "+447700900000", yield* DateTime.now)
          const cases: ReadonlyArray<readonly [Content.Outbound, string]> = [
            [Content.audio("https://example.com/a.mp3", { caption: "listen" }), "InvalidMessage"],
            [Content.binary("48656c6c6f"), "UnsupportedContent"],
            [Content.text("x".repeat(4097)), "InvalidMessage"],
            [Content.template("no_locale", [], {}), "ok-with-default-locale"]
          ]
          for (const [content, expected] of cases) {
            const result = yield* Effect.either(whatsapp.validate(yield* message(content)))
            if (expected === "ok-with-default-locale") assert.strictEqual(result._tag, "Right")
            else assert.strictEqual(result._tag === "Left" ? result.left._tag : "Right", expected)
          }
          assert.strictEqual(sends(yield* MockHttpClient.requests).length, 0)
        }).pipe(Effect.provide(channel(mode))))

      it.effect("needs a sender, and a locale for templates", () =>
        Effect.gen(function*() {
          const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
          const noSender = yield* Effect.flip(whatsapp.validate(yield* message(Content.text("hi"))))
          assert.strictEqual(noSender._tag === "InvalidMessage" ? noSender.field : undefined, "sender")
          const noLocale = yield* Effect.flip(
            whatsapp.validate(yield* message(Content.template("reminder", []), { sender: business }))
          )
          assert.strictEqual(noLocale._tag === "InvalidMessage" ? noLocale.field : undefined, "content.locale")
          yield* whatsapp.send(
            yield* message(Content.template("reminder", ["a"], { locale: "nl" }), { sender: "+447700900009" })
          )
          const body = MockHttpClient.bodyJson(sends(yield* MockHttpClient.requests)[0]!) as any
          if (mode === "vonage-basic") {
            assert.strictEqual(body.from, "447700900009")
            assert.deepStrictEqual(body.whatsapp, { policy: "deterministic", locale: "nl" })
          } else {
            assert.deepStrictEqual(body.from, { type: "whatsapp", number: "447700900009" })
            assert.deepStrictEqual(body.message.content.template.parameters, [{ default: "a" }])
          }
        }).pipe(
          Effect.provide(
            WhatsAppChannel.layer({ conversationWindow: "off" }).pipe(
              Layer.provideMerge(mockedClient(mode, MockHttpClient.always(accepted)))
            )
          )
        ))

      it.effect(`a file name is ${mode === "vonage-basic" ? "sent (v1)" : "refused (v0.1 has none)"}`, () =>
        Effect.gen(function*() {
          const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
          const result = yield* Effect.either(
            whatsapp.send(yield* message(Content.file("https://example.com/a.pdf", { caption: "Invoice", name: "a.pdf" })))
          )
          if (mode === "vonage-basic") {
            assert.strictEqual(result._tag, "Right")
            const body = MockHttpClient.bodyJson(sends(yield* MockHttpClient.requests)[0]!) as any
            assert.deepStrictEqual(body.file, { url: "https://example.com/a.pdf", caption: "Invoice", name: "a.pdf" })
          } else {
            assert.strictEqual(result._tag === "Left" ? result.left._tag : "Right", "InvalidMessage")
            assert.strictEqual(sends(yield* MockHttpClient.requests).length, 0)
          }
        }).pipe(Effect.provide(WhatsAppChannel.layer({ sender: business, conversationWindow: "off" }).pipe(
          Layer.provideMerge(mockedClient(mode, MockHttpClient.always(accepted)))
        ))))
    })
  }

  it.effect("enforces the window kept in SQL (libsql), on the TestClock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-03-02T09:00:00Z"))
      const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
      assert.strictEqual((yield* Effect.flip(whatsapp.send(yield* message(Content.text("Hello")))))._tag, "InvalidMessage")
      yield* ConversationWindow.observe(yield* VonageMessagesWebhook.parse(yield* inboundWebhook("vonage-basic"), webhookOptions("vonage-basic")))
      yield* whatsapp.send(yield* message(Content.text("Hello")))
      yield* TestClock.adjust(Duration.sum(Duration.hours(24), Duration.seconds(1)))
      assert.strictEqual((yield* Effect.flip(whatsapp.send(yield* message(Content.text("Hello again")))))._tag, "InvalidMessage")
      assert.strictEqual(sends(yield* MockHttpClient.requests).length, 1)
    }).pipe(
      Effect.provide(
        WhatsAppChannel.layer({ sender: business }).pipe(
          Layer.provideMerge(
            SqlConversationWindow.layer.pipe(
              Layer.provide(
                LibsqlClient.layer({
                  url: `file:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), "switchboard-whatsapp-")), "window.db")}`
                })
              )
            )
          ),
          Layer.provideMerge(mockedClient("vonage-basic", MockHttpClient.always(accepted)))
        )
      )
    ))
})
