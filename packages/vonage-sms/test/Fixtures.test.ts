/**
 * The table test: every fixture copied from the shared specs (see fixtures/ORIGIN.md) and what it must become.
 */
import { assert, describe, it } from "@effect/vitest"
import { type ChannelError, Content, type InboundMessage, type Receipt, type Status, type Webhook } from "@switchboard/core"
import { MockHttpClient } from "@switchboard/testing"
import { ConcatStore, VonageSmsWebhook } from "@switchboard/vonage-sms"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as path from "node:path"
import { fixture, fixtureJson, fixturesDir, transports } from "./helpers.js"
import { basic, directChannel, message, send } from "./support.js"

// ---------------------------------------------------------------------------------------------------------
// webhook payloads → events
// ---------------------------------------------------------------------------------------------------------

type ExpectedStatus = Partial<Omit<Status.StatusUpdate, "at" | "_tag">> & { readonly at?: string }

const dlr = (state: Status.State, errCode: string, providerText: string): ExpectedStatus => ({
  channel: "sms.vonage",
  providerMessageId: "0A0000001234567B",
  messageId: "my-personal-reference" as never,
  state,
  providerCode: errCode,
  providerText,
  price: "0.03330000",
  network: "12345",
  recipient: "447700900000",
  at: "2020-01-01T14:00:00.000Z"
})

const statusFixtures: Record<string, ExpectedStatus> = {
  "derived/sms_dlr_accepted_err0.json": dlr("submitted", "0", "accepted (Delivered)"),
  "derived/sms_dlr_buffered_err0.json": dlr("submitted", "0", "buffered (Delivered)"),
  "derived/sms_dlr_delivered_err0.json": dlr("delivered", "0", "delivered (Delivered)"),
  "derived/sms_dlr_expired_err1.json": dlr("expired", "1", "expired (Unknown)"),
  "derived/sms_dlr_failed_err2.json": dlr("undeliverable", "2", "failed (Absent Subscriber - Temporary)"),
  "derived/sms_dlr_failed_err6.json": dlr("rejected", "6", "failed (Anti-Spam Rejection)"),
  "derived/sms_dlr_rejected_err9.json": dlr("rejected", "9", "rejected (Illegal Number)"),
  "derived/sms_dlr_unknown_err1.json": dlr("unknown", "1", "unknown (Unknown)"),
  "spec-generated/delivery-receipt.json": dlr("delivered", "0", "delivered (Delivered)"),
  "dotnet-sdk/DeliveryReceipt.json": { ...dlr("delivered", "0", "delivered (Delivered)"), messageId: "steve" as never }
}

/** Concatenated parts 2 of 3: nothing at first, then an incomplete message once the TTL has passed. */
const partFixtures: Record<string, { readonly text: string; readonly receivedAt: string }> = {
  "dotnet-sdk/InboundSms.json": { text: "Hello world", receivedAt: "2020-01-01T12:00:00.000Z" },
  "spec-generated/inbound-sms.json": { text: "Hello world", receivedAt: "2020-01-01T12:00:00.000Z" }
}

// ---------------------------------------------------------------------------------------------------------
// send responses → receipts or errors
// ---------------------------------------------------------------------------------------------------------

type ResponseExpectation =
  | { readonly receipt: Partial<Omit<Receipt.Receipt, "acceptedAt">> }
  | {
    readonly error: ChannelError.Reason
    readonly rejection?: ChannelError.RejectionCause
    readonly providerCode: string
    readonly providerText: string
    readonly includes?: string
  }

const dotnetReceipt: ResponseExpectation = {
  receipt: {
    providerMessageIds: ["0A0000000123ABCD1"],
    parts: 1,
    price: "0.03330000",
    remainingBalance: "3.14159265",
    network: "12345"
  }
}

const invalidCredentials: ResponseExpectation = {
  error: "AuthenticationFailed",
  providerCode: "4",
  providerText: "invalid credentials"
}

const responseFixtures: Record<string, ResponseExpectation> = {
  "dotnet-sdk/SendSmsAsyncBadResponse-response.json": invalidCredentials,
  "dotnet-sdk/SendSmsBadResponse-response.json": invalidCredentials,
  "dotnet-sdk/SendSmsWrongCredentialsThrowsException.json": invalidCredentials,
  "dotnet-sdk/SendSmsAsyncWithAllPropertiesSet-response.json": dotnetReceipt,
  "dotnet-sdk/SendSmsTypicalUsage-response.json": dotnetReceipt,
  "dotnet-sdk/SendSmsTypicalUsageSimplifiedAsync-response.json": dotnetReceipt,
  "dotnet-sdk/SendSmsUnicode-response.json": dotnetReceipt,
  "dotnet-sdk/SendSmsWithAllPropertiesSet-response.json": dotnetReceipt,
  "python-sdk/send_sms.json": {
    receipt: {
      providerMessageIds: ["3295d748-4e14-4681-af78-166dca3c5aab"],
      parts: 1,
      price: "0.04120000",
      remainingBalance: "38.07243628",
      network: "23420"
    }
  },
  "python-sdk/send_long_sms.json": {
    receipt: {
      providerMessageIds: ["62dfdf68-6c7c-479a-a190-5c52f798a787", "72ff9536-62d6-455a-9f0b-65f3c265b423"],
      parts: 2,
      price: "0.08240000",
      remainingBalance: "37.43563628",
      network: "23420"
    }
  },
  "python-sdk/send_sms_error.json": {
    error: "Rejected",
    rejection: "BlockedRecipient",
    providerCode: "7",
    providerText: "Number barred."
  },
  "python-sdk/send_sms_partial_error.json": {
    error: "RateLimited",
    providerCode: "1",
    providerText: "Throttled",
    includes: "1 of 2 parts were accepted (ids 3295d748-4e14-4681-af78-166dca3c5aab"
  }
}

// ---------------------------------------------------------------------------------------------------------
// request bodies an SDK sent → the same fields in ours
// ---------------------------------------------------------------------------------------------------------

const hello = { sender: "AcmeInc", content: Content.text("Hello World!") }

const requestFixtures: Record<string, { readonly sender: string; readonly content: Content.Outbound }> = {
  "dotnet-sdk/SendSmsTypicalUsage-request.txt": hello,
  "dotnet-sdk/SendSmsAsyncBadResponse-request.txt": hello,
  "dotnet-sdk/ShouldThrowException_GivenResponseIsNull-request.txt": hello,
  "dotnet-sdk/SendSmsTypicalUsageSimplifiedAsync-request.txt": hello,
  "dotnet-sdk/SendSmsUnicode-request.txt": { sender: "AcmeInc", content: Content.text("こんにちは世界") }
}

const allProperties = "dotnet-sdk/SendSmsAsyncWithAllPropertiesSet-request.txt"

const formOf = (text: string): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [key, value] of new URLSearchParams(text.trim())) if (key !== "") out[key] = value
  return out
}

const listFixtures = (dir: string): Array<string> =>
  fs.readdirSync(path.join(fixturesDir, dir)).map((file) => `${dir}/${file}`)

describe("fixtures", () => {
  it("every payload fixture has an expectation", () => {
    const files = ["derived", "dotnet-sdk", "python-sdk", "spec-generated"].flatMap(listFixtures).sort()
    const covered = [
      ...Object.keys(statusFixtures),
      ...Object.keys(partFixtures),
      ...Object.keys(responseFixtures),
      ...Object.keys(requestFixtures),
      allProperties
    ].sort()
    assert.deepStrictEqual(files, covered)
  })

  describe("delivery receipts", () => {
    for (const [file, expected] of Object.entries(statusFixtures)) {
      for (const [transport, request] of transports) {
        it.effect(`${file} (${transport})`, () =>
          Effect.gen(function*() {
            const events = yield* VonageSmsWebhook.parse(request(fixtureJson(file)), { verification: "disabled" })
            assert.strictEqual(events.length, 1)
            const update = events[0] as Status.StatusUpdate
            assert.strictEqual(update._tag, "StatusUpdate")
            const { at, ...fields } = expected
            for (const [key, value] of Object.entries(fields)) {
              assert.deepStrictEqual((update as unknown as Record<string, unknown>)[key], value, key)
            }
            assert.strictEqual(DateTime.formatIso(update.at), at)
          }).pipe(Effect.provide(ConcatStore.layerMemory())))
      }
    }
  })

  describe("inbound SMS parts", () => {
    for (const [file, expected] of Object.entries(partFixtures)) {
      for (const [transport, request] of transports) {
        it.effect(`${file} (${transport}): waits for its set, then comes out incomplete`, () =>
          Effect.gen(function*() {
            const events: ReadonlyArray<Webhook.Event> = yield* VonageSmsWebhook.parse(request(fixtureJson(file)), { verification: "disabled" })
            assert.deepStrictEqual(events, [])
            yield* TestClock.adjust(Duration.sum(ConcatStore.defaultTtl, Duration.seconds(1)))
            const [message, ...rest]: ReadonlyArray<InboundMessage.InboundMessage> = yield* VonageSmsWebhook.sweep()
            assert.strictEqual(rest.length, 0)
            assert.strictEqual(message!.providerMessageId, "0A0000000123ABCD1")
            assert.strictEqual(message!.from, "447700900001")
            assert.strictEqual(message!.to, "447700900000")
            assert.strictEqual(message!.keyword, "HELLO")
            assert.isTrue(message!.incomplete)
            assert.deepStrictEqual(message!.content, Content.text(expected.text))
            assert.strictEqual(DateTime.formatIso(message!.receivedAt), expected.receivedAt)
          }).pipe(Effect.provide(ConcatStore.layerMemory())))
      }

      it.effect(`${file}: with parts 1 and 3 it is one complete message`, () =>
        Effect.gen(function*() {
          const part2 = fixtureJson(file)
          const part = (n: number, text: string) => ({ ...part2, "concat-part": String(n), messageId: `id-${n}`, text })
          assert.deepStrictEqual(yield* VonageSmsWebhook.parse(transports[0][1](part(3, "!")), { verification: "disabled" }), [])
          assert.deepStrictEqual(yield* VonageSmsWebhook.parse(transports[2][1](part2), { verification: "disabled" }), [])
          const [message] = yield* VonageSmsWebhook.parse(transports[1][1](part(1, "Well, ")), { verification: "disabled" })
          assert.deepStrictEqual((message as InboundMessage.InboundMessage).content, Content.text("Well, Hello world!"))
          assert.deepStrictEqual((message as InboundMessage.InboundMessage).providerMessageIds, [
            "id-1",
            "0A0000000123ABCD1",
            "id-3"
          ])
        }).pipe(Effect.provide(ConcatStore.layerMemory())))
    }
  })

  describe("send responses", () => {
    for (const [file, expected] of Object.entries(responseFixtures)) {
      it.effect(file, () =>
        Effect.gen(function*() {
          const result = yield* Effect.either(send(yield* message(Content.text("Hello World!"))))
          if ("receipt" in expected) {
            assert.strictEqual(result._tag, "Right")
            if (result._tag === "Right") {
              for (const [key, value] of Object.entries(expected.receipt)) {
                assert.deepStrictEqual((result.right as unknown as Record<string, unknown>)[key], value, key)
              }
            }
          } else {
            assert.strictEqual(result._tag, "Left")
            if (result._tag === "Left") {
              const error = result.left
              assert.strictEqual(error._tag, expected.error)
              assert.strictEqual(error.providerCode, expected.providerCode)
              assert.strictEqual(error.providerText, expected.providerText)
              if (error._tag === "Rejected") assert.strictEqual(error.rejection, expected.rejection)
              if (expected.includes !== undefined) assert.include(error.message, expected.includes)
            }
          }
        }).pipe(Effect.provide(directChannel(basic, () => MockHttpClient.json(JSON.parse(fixture(file)))))))
    }
  })

  describe("request bodies", () => {
    for (const [file, { content, sender }] of Object.entries(requestFixtures)) {
      it.effect(`${file}: our request carries the same fields`, () =>
        Effect.gen(function*() {
          yield* send(yield* message(content, { sender }))
          const [request] = yield* MockHttpClient.requests
          const ours = MockHttpClient.bodyForm(request!)
          for (const [key, value] of Object.entries(formOf(fixture(file)))) {
            assert.strictEqual(ours[key], value, key)
          }
        }).pipe(Effect.provide(directChannel(basic, () => MockHttpClient.json(JSON.parse(fixture("python-sdk/send_sms.json")))))))
    }

    it.effect(`${allProperties}: every property, text fields for text and binary fields for binary`, () =>
      Effect.gen(function*() {
        const sdk = formOf(fixture(allProperties))
        const { body, "protocol-id": protocolId, udh, ...textFields } = sdk
        yield* send(yield* message(Content.text("Hello World!"), {
          sender: "AcmeInc",
          ttl: Duration.millis(900000),
          clientReference: "my-personal-reference"
        }))
        yield* send(yield* message(Content.binary(body!, { udh: udh!, protocolId: Number(protocolId) }), {
          sender: "AcmeInc",
          ttl: Duration.millis(900000),
          clientReference: "my-personal-reference"
        }))
        const [text, binary] = (yield* MockHttpClient.requests).map(MockHttpClient.bodyForm)
        assert.deepStrictEqual(text, textFields)
        const { text: _text, type: _type, ...shared } = textFields
        assert.deepStrictEqual(binary, { ...shared, type: "binary", body: body!, udh: udh!, "protocol-id": protocolId! })
      }).pipe(
        Effect.provide(directChannel(basic, () => MockHttpClient.json(JSON.parse(fixture("python-sdk/send_sms.json"))), {
          channel: {
            statusReportReq: true,
            callback: "https://example.com/sms-dlr",
            messageClass: 0,
            accountRef: "customer1234",
            entityId: "testEntity",
            contentId: "testcontent",
            trustedNumber: true
          }
        }))
      ))
  })
})
