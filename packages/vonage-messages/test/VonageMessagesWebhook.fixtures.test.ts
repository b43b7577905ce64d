import { assert, describe, it } from "@effect/vitest"
import * as Content from "@switchboard/core/Content"
import { InboundMessage } from "@switchboard/core/InboundMessage"
import type { MessageId } from "@switchboard/core/Message"
import { StatusUpdate } from "@switchboard/core/Status"
import type * as Webhook from "@switchboard/core/Webhook"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as path from "node:path"
import * as VonageMessagesWebhook from "../src/VonageMessagesWebhook.js"

const root = path.join(__dirname, "fixtures", "payloads")
const read = (file: string): string => fs.readFileSync(path.join(root, file), "utf8")

const at = DateTime.unsafeMake("2020-01-01T14:00:00.000Z")
const uuid = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
const throttled = "Throttled - You have exceeded the submission capacity allowed on this account. Please wait and retry"
const unroutable =
  "Unroutable  -  The chosen route to send your message is not available. This is because the phone number is either currently on an unsupported network or on a pre-paid or reseller account that could not receive a message sent by from. To resolve this issue either email us at support@nexmo.com or create a helpdesk ticket at https://help.nexmo.com."
const notInNetwork = "Not part of the provider network  -  The number or ID is not a user in the provider network."
const verification = "Nexmo Verification code: 12345.<br />Valid for 10 minutes."

const status = (fields: {
  readonly channel: string
  readonly state: StatusUpdate["state"]
  readonly recipient: string
  readonly messageId: string
  readonly providerCode?: string
  readonly providerText?: string
}) =>
  new StatusUpdate({
    channel: fields.channel,
    providerMessageId: uuid,
    state: fields.state,
    at,
    messageId: fields.messageId as MessageId,
    price: "0.0333",
    currency: "EUR",
    recipient: fields.recipient,
    ...(fields.providerCode === undefined ? {} : { providerCode: fields.providerCode }),
    ...(fields.providerText === undefined ? {} : { providerText: fields.providerText })
  })

const inbound = (fields: {
  readonly channel: string
  readonly from: string
  readonly to: string
  readonly content: Content.Inbound
  readonly inReplyTo?: string
  readonly keyword?: string
}) =>
  new InboundMessage({
    channel: fields.channel,
    providerMessageId: uuid,
    from: fields.from,
    to: fields.to,
    content: fields.content,
    receivedAt: at,
    ...(fields.inReplyTo === undefined ? {} : { inReplyTo: fields.inReplyTo }),
    ...(fields.keyword === undefined ? {} : { keyword: fields.keyword })
  })

const unsupported = (description?: string) =>
  new Content.Unsupported(description === undefined ? {} : { description })

const v1Messenger = { channel: "messenger", from: "9876543210", to: "0123456789" }
const v1Mms = { channel: "mms.vonage-messages", from: "447700900001", to: "447700900000" }
const v1Viber = { channel: "viber", from: "447700900001", to: "0123456789", inReplyTo: "1234567890abcdef" }
const v1WhatsApp = { channel: "whatsapp", from: "447700900001", to: "447700900000", inReplyTo: uuid }
const v01Messenger = { channel: "messenger", from: "123456789987", to: "123456789987" }
const v01WhatsApp = { channel: "whatsapp", from: "447700900001", to: "447700900000" }
const v01Viber = { channel: "viber", from: "447700900000", to: "654321" }

// Every webhook fixture, with the api it is in and the one event it must become.
const table: ReadonlyArray<readonly [file: string, api: "v1" | "v0.1", event: Webhook.Event]> = [
  // v1, spec-generated: inbound
  ["v1-spec-generated/inbound_messenger_audio.json", "v1", inbound({ ...v1Messenger, content: unsupported("audio with a url that is not http(s): stringstri") })],
  ["v1-spec-generated/inbound_messenger_file.json", "v1", inbound({ ...v1Messenger, content: Content.file("https://example.com/file.pdf") })],
  ["v1-spec-generated/inbound_messenger_image.json", "v1", inbound({ ...v1Messenger, content: Content.image("https://example.com/image.jpg") })],
  ["v1-spec-generated/inbound_messenger_text.json", "v1", inbound({ ...v1Messenger, content: Content.text(verification) })],
  ["v1-spec-generated/inbound_messenger_unsupported.json", "v1", inbound({ ...v1Messenger, content: unsupported() })],
  ["v1-spec-generated/inbound_messenger_video.json", "v1", inbound({ ...v1Messenger, content: Content.video("https://example.com/video.mp4") })],
  ["v1-spec-generated/inbound_mms_audio.json", "v1", inbound({ ...v1Mms, content: unsupported("audio with a url that is not http(s): stringstri") })],
  ["v1-spec-generated/inbound_mms_image.json", "v1", inbound({ ...v1Mms, content: Content.image("https://example.com/image.jpg") })],
  ["v1-spec-generated/inbound_mms_text.json", "v1", inbound({ ...v1Mms, content: Content.text("This is sample text.") })],
  ["v1-spec-generated/inbound_mms_vcard.json", "v1", inbound({ ...v1Mms, content: Content.file("https://example.com/conatact.vcf") })],
  ["v1-spec-generated/inbound_mms_video.json", "v1", inbound({ ...v1Mms, content: unsupported("video with a url that is not http(s): string") })],
  ["v1-spec-generated/inbound_sms.json", "v1", inbound({ channel: "sms.vonage-messages", from: "447700900001", to: "447700900000", content: Content.text("Hello From Vonage!"), keyword: "HELLO" })],
  ["v1-spec-generated/inbound_viber_service_file.json", "v1", inbound({ ...v1Viber, content: Content.file("https://example.com/file.pdf") })],
  ["v1-spec-generated/inbound_viber_service_image.json", "v1", inbound({ ...v1Viber, content: Content.image("https://example.com/image.jpg") })],
  ["v1-spec-generated/inbound_viber_service_text.json", "v1", inbound({ ...v1Viber, content: Content.text(verification) })],
  ["v1-spec-generated/inbound_viber_service_video.json", "v1", inbound({ ...v1Viber, content: Content.video("https://example.com/video.mp4") })],
  ["v1-spec-generated/inbound_whatsapp_audio.json", "v1", inbound({ ...v1WhatsApp, content: unsupported("audio with a url that is not http(s): stringstri") })],
  ["v1-spec-generated/inbound_whatsapp_file.json", "v1", inbound({ ...v1WhatsApp, content: Content.file("https://example.com/file.pdf") })],
  ["v1-spec-generated/inbound_whatsapp_image.json", "v1", inbound({ ...v1WhatsApp, content: Content.image("https://example.com/image.jpg") })],
  ["v1-spec-generated/inbound_whatsapp_location.json", "v1", inbound({ ...v1WhatsApp, content: new Content.Location({ latitude: 40.34772, longitude: -74.18847, name: "Vonage", address: "23 Main St, Holmdel, NJ 07733, USA" }) })],
  ["v1-spec-generated/inbound_whatsapp_order.json", "v1", inbound({ ...v1WhatsApp, content: Content.custom({ message_type: "order", order: { catalog_id: "2806150799683508", product_items: [{ currency: "USD", item_price: "9.99", product_retailer_id: "pk1v7rudbg", quantity: "1" }] } }) })],
  ["v1-spec-generated/inbound_whatsapp_reply.json", "v1", inbound({ ...v1WhatsApp, content: Content.custom({ message_type: "reply", reply: { description: "Select 9am appointmaent time", id: "row1", title: "9am" } }) })],
  ["v1-spec-generated/inbound_whatsapp_text.json", "v1", inbound({ ...v1WhatsApp, content: Content.text(verification) })],
  ["v1-spec-generated/inbound_whatsapp_unsupported.json", "v1", inbound({ ...v1WhatsApp, content: unsupported("string") })],
  ["v1-spec-generated/inbound_whatsapp_video.json", "v1", inbound({ ...v1WhatsApp, content: Content.video("https://example.com/video.mp4") })],
  // v1, spec-generated: status (error.title is the number 1000)
  ["v1-spec-generated/status_messenger.json", "v1", status({ channel: "messenger", state: "read", recipient: "0123456789", messageId: "string", providerCode: "1000", providerText: throttled })],
  ["v1-spec-generated/status_mms.json", "v1", status({ channel: "mms.vonage-messages", state: "submitted", recipient: "447700900000", messageId: "string", providerCode: "1000", providerText: throttled })],
  ["v1-spec-generated/status_sms.json", "v1", status({ channel: "sms.vonage-messages", state: "submitted", recipient: "447700900000", messageId: "string", providerCode: "1000", providerText: throttled })],
  ["v1-spec-generated/status_viber_service.json", "v1", status({ channel: "viber", state: "read", recipient: "447700900000", messageId: "string", providerCode: "1000", providerText: throttled })],
  ["v1-spec-generated/status_whatsapp.json", "v1", status({ channel: "whatsapp", state: "read", recipient: "447700900000", messageId: "string", providerCode: "1000", providerText: throttled })],
  // v1, derived: error.title is the string "<code>"
  ["derived/v1_status_messenger_delivered_no-error.json", "v1", status({ channel: "messenger", state: "delivered", recipient: "0123456789", messageId: "string" })],
  ["derived/v1_status_messenger_rejected_1250.json", "v1", status({ channel: "messenger", state: "rejected", recipient: "0123456789", messageId: "string", providerCode: "1250", providerText: unroutable })],
  ["derived/v1_status_messenger_undeliverable_1300.json", "v1", status({ channel: "messenger", state: "undeliverable", recipient: "0123456789", messageId: "string", providerCode: "1300", providerText: notInNetwork })],
  ["derived/v1_status_sms_delivered_no-error.json", "v1", status({ channel: "sms.vonage-messages", state: "delivered", recipient: "447700900000", messageId: "string" })],
  ["derived/v1_status_sms_rejected_1250.json", "v1", status({ channel: "sms.vonage-messages", state: "rejected", recipient: "447700900000", messageId: "string", providerCode: "1250", providerText: unroutable })],
  ["derived/v1_status_sms_undeliverable_1300.json", "v1", status({ channel: "sms.vonage-messages", state: "undeliverable", recipient: "447700900000", messageId: "string", providerCode: "1300", providerText: notInNetwork })],
  ["derived/v1_status_viber_service_delivered_no-error.json", "v1", status({ channel: "viber", state: "delivered", recipient: "447700900000", messageId: "string" })],
  ["derived/v1_status_viber_service_rejected_1250.json", "v1", status({ channel: "viber", state: "rejected", recipient: "447700900000", messageId: "string", providerCode: "1250", providerText: unroutable })],
  ["derived/v1_status_viber_service_undeliverable_1300.json", "v1", status({ channel: "viber", state: "undeliverable", recipient: "447700900000", messageId: "string", providerCode: "1300", providerText: notInNetwork })],
  ["derived/v1_status_whatsapp_delivered_no-error.json", "v1", status({ channel: "whatsapp", state: "delivered", recipient: "447700900000", messageId: "string" })],
  ["derived/v1_status_whatsapp_rejected_1250.json", "v1", status({ channel: "whatsapp", state: "rejected", recipient: "447700900000", messageId: "string", providerCode: "1250", providerText: unroutable })],
  ["derived/v1_status_whatsapp_undeliverable_1300.json", "v1", status({ channel: "whatsapp", state: "undeliverable", recipient: "447700900000", messageId: "string", providerCode: "1300", providerText: notInNetwork })],
  // v0.1, spec-generated: inbound
  ["v0.1-spec-generated/inbound_messenger_audio.json", "v0.1", inbound({ ...v01Messenger, content: Content.audio("https://example.com/audio.mp3") })],
  ["v0.1-spec-generated/inbound_messenger_file.json", "v0.1", inbound({ ...v01Messenger, content: Content.file("https://example.com/file.zip") })],
  ["v0.1-spec-generated/inbound_messenger_image.json", "v0.1", inbound({ ...v01Messenger, content: Content.image("https://example.com/image.jpg") })],
  ["v0.1-spec-generated/inbound_messenger_text.json", "v0.1", inbound({ ...v01Messenger, content: Content.text("Hello from Vonage!") })],
  ["v0.1-spec-generated/inbound_messenger_unsupported.json", "v0.1", inbound({ ...v01Messenger, content: unsupported() })],
  ["v0.1-spec-generated/inbound_messenger_video.json", "v0.1", inbound({ ...v01Messenger, content: Content.video("https://example.com/video.mp4") })],
  ["v0.1-spec-generated/inbound_mms.json", "v0.1", inbound({ channel: "mms.vonage-messages", from: "12345", to: "447700900000", content: Content.image("https://example.com/image.jpg") })],
  ["v0.1-spec-generated/inbound_sms.json", "v0.1", inbound({ channel: "sms.vonage-messages", from: "447700900001", to: "447700900000", content: Content.text("Hello From Vonage!") })],
  ["v0.1-spec-generated/inbound_viber_text.json", "v0.1", inbound({ ...v01Viber, content: Content.text("Hello from Vonage!") })],
  ["v0.1-spec-generated/inbound_viber_unsupported.json", "v0.1", inbound({ ...v01Viber, content: unsupported() })],
  ["v0.1-spec-generated/inbound_whatsapp_audio.json", "v0.1", inbound({ ...v01WhatsApp, content: Content.audio("https://example.com/audio.mp3") })],
  ["v0.1-spec-generated/inbound_whatsapp_file.json", "v0.1", inbound({ ...v01WhatsApp, content: Content.file("https://example.com/file.pdf", { caption: "An important report" }) })],
  ["v0.1-spec-generated/inbound_whatsapp_image.json", "v0.1", inbound({ ...v01WhatsApp, content: Content.image("https://example.com/cat.jpg", { caption: "My Tabby cat, Oliver." }) })],
  ["v0.1-spec-generated/inbound_whatsapp_location.json", "v0.1", inbound({ ...v01WhatsApp, content: new Content.Location({ latitude: 37.758056, longitude: -122.425332, name: "Facebook HQ", address: "1 Hacker Way, Menlo Park, CA 94025" }) })],
  ["v0.1-spec-generated/inbound_whatsapp_text.json", "v0.1", inbound({ ...v01WhatsApp, content: Content.text("Hello From Vonage!") })],
  ["v0.1-spec-generated/inbound_whatsapp_unsupported.json", "v0.1", inbound({ ...v01WhatsApp, content: unsupported() })],
  ["v0.1-spec-generated/inbound_whatsapp_video.json", "v0.1", inbound({ ...v01WhatsApp, content: Content.video("https://example.com/video.mp4") })],
  // v0.1 status: error is {code, reason}
  ["v0.1-spec-generated/status_all.json", "v0.1", status({ channel: "sms.vonage-messages", state: "delivered", recipient: "447700900000", messageId: "my-personal-reference", providerCode: "1300", providerText: "Not part of the provider network" })],
  ["derived/v0.1_status_messenger_rejected_1300.json", "v0.1", status({ channel: "messenger", state: "rejected", recipient: "0123456789012345", messageId: "my-personal-reference", providerCode: "1300", providerText: "Not part of the provider network" })],
  ["derived/v0.1_status_messenger_undeliverable_1260.json", "v0.1", status({ channel: "messenger", state: "undeliverable", recipient: "0123456789012345", messageId: "my-personal-reference", providerCode: "1260", providerText: "Destination unreachable" })],
  ["derived/v0.1_status_whatsapp_rejected_1300.json", "v0.1", status({ channel: "whatsapp", state: "rejected", recipient: "447700900000", messageId: "my-personal-reference", providerCode: "1300", providerText: "Not part of the provider network" })],
  ["derived/v0.1_status_whatsapp_undeliverable_1260.json", "v0.1", status({ channel: "whatsapp", state: "undeliverable", recipient: "447700900000", messageId: "my-personal-reference", providerCode: "1260", providerText: "Destination unreachable" })]
]

// send responses and error bodies: covered by VonageMessagesClient.fixtures.test.ts
const sendResponses = ["java-sdk", "php-sdk", "python-sdk"]

const request = (file: string): Webhook.Request => ({
  method: "POST",
  url: "https://example.com/webhooks/messages",
  headers: { "content-type": "application/json" },
  body: read(file)
})

const options = (api: "v1" | "v0.1"): VonageMessagesWebhook.Options =>
  api === "v1" ? { api, verifySignature: false } : { api }

describe("VonageMessagesWebhook fixtures", () => {
  it("covers every webhook fixture", () => {
    const all = fs.readdirSync(root, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".json") && !sendResponses.some((dir) => file.startsWith(dir)))
      .sort()
    assert.deepStrictEqual(all, table.map(([file]) => file).sort())
  })

  for (const [file, api, expected] of table) {
    it.effect(`${file} (${api})`, () =>
      Effect.gen(function*() {
        const events = yield* VonageMessagesWebhook.parse(request(file), options(api))
        assert.strictEqual(events.length, 1)
        assert.deepStrictEqual(events[0], expected)
      }))
  }
})
