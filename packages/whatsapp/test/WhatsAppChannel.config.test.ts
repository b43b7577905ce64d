import { assert, describe, it } from "@effect/vitest"
import * as Content from "@switchboard/core/Content"
import * as Message from "@switchboard/core/Message"
import type * as Phone from "@switchboard/core/Phone"
import * as Recipient from "@switchboard/core/Recipient"
import { accepted, mockedClient, sends } from "@switchboard/messages-testkit/MockMessagesApi"
import { MockHttpClient } from "@switchboard/testing"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ConversationWindow from "../src/ConversationWindow.js"
import * as WhatsAppChannel from "../src/WhatsAppChannel.js"

const fromEnvironment = (variables: Record<string, string>) =>
  WhatsAppChannel.layerConfig.pipe(
    Layer.provideMerge(ConversationWindow.layerMemory),
    Layer.provideMerge(mockedClient("vonage-basic", MockHttpClient.always(accepted))),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(variables)))))
  )

const text = Message.make({
  recipient: Recipient.make({ phone: "+31612345678" as Phone.E164 }),
  content: Content.text("Hello")
})

describe("WhatsAppChannel.layerConfig", () => {
  it.effect("WHATSAPP_SENDER, WHATSAPP_TEMPLATE_LOCALE; the window enforced by default", () =>
    Effect.gen(function*() {
      const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
      assert.strictEqual((yield* Effect.flip(whatsapp.send(yield* text)))._tag, "InvalidMessage")
      yield* whatsapp.send(yield* Message.make({ recipient: (yield* text).recipient, content: Content.template("t", []) }))
      const body = MockHttpClient.bodyJson(sends(yield* MockHttpClient.requests)[0]!) as any
      assert.strictEqual(body.from, "31201234567")
      assert.deepStrictEqual(body.whatsapp, { policy: "deterministic", locale: "nl" })
    }).pipe(Effect.provide(fromEnvironment({ WHATSAPP_SENDER: "+31201234567", WHATSAPP_TEMPLATE_LOCALE: "nl" }))))

  it.effect("WHATSAPP_CONVERSATION_WINDOW=off", () =>
    Effect.gen(function*() {
      const whatsapp = yield* WhatsAppChannel.WhatsAppChannel
      yield* whatsapp.send(yield* text)
      assert.strictEqual(sends(yield* MockHttpClient.requests).length, 1)
    }).pipe(Effect.provide(fromEnvironment({ WHATSAPP_SENDER: "31201234567", WHATSAPP_CONVERSATION_WINDOW: "off" }))))
})
