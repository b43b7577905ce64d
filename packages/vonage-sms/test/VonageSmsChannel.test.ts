import { assert, describe, it } from "@effect/vitest"
import { VonageSignature } from "@switchboard/auth"
import { type ChannelError, Content } from "@switchboard/core"
import { MockHttpClient } from "@switchboard/testing"
import { VonageSmsChannel, VonageSmsClient, VonageSmsCodes } from "@switchboard/vonage-sms"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import {
  accepted,
  apiKey,
  apiSecret,
  basic,
  directChannel,
  kpnChannel,
  message,
  expectedStatusCodes,
  refused,
  send,
  signatureSecret,
  tokenReply
} from "./support.js"

const hello = Content.text("Hello World!")

const onlyRequest = Effect.map(MockHttpClient.requests, (requests) => {
  assert.strictEqual(requests.length, 1)
  return requests[0]!
})

describe("VonageSmsChannel", () => {
  describe("direct mode", () => {
    it.effect("Basic: POST /sms/json, Authorization header, form body without credentials", () =>
      Effect.gen(function*() {
        const receipt = yield* send(yield* message(hello))
        const request = yield* onlyRequest
        assert.strictEqual(request.method, "POST")
        assert.strictEqual(request.url, "https://rest.nexmo.com/sms/json")
        assert.strictEqual(
          MockHttpClient.header(request, "authorization"),
          `Basic ${Buffer.from(`${apiKey}:${Redacted.value(apiSecret)}`).toString("base64")}`
        )
        assert.match(MockHttpClient.header(request, "content-type") ?? "", /^application\/x-www-form-urlencoded/)
        assert.deepStrictEqual(MockHttpClient.bodyForm(request), {
          from: "Acme",
          to: "447700900000",
          type: "text",
          text: "Hello World!",
          "client-ref": "order-1234"
        })
        assert.deepStrictEqual(receipt.providerMessageIds, ["0A000000000001"])
        assert.strictEqual(receipt.channel, "sms.vonage")
        assert.strictEqual(receipt.messageId, "order-1234")
      }).pipe(Effect.provide(directChannel(basic, () => accepted()))))

    it.effect("key-secret: api_key and api_secret in the body, no Authorization header", () =>
      Effect.gen(function*() {
        yield* send(yield* message(hello))
        const request = yield* onlyRequest
        assert.isUndefined(MockHttpClient.header(request, "authorization"))
        const form = MockHttpClient.bodyForm(request)
        assert.strictEqual(form["api_key"], apiKey)
        assert.strictEqual(form["api_secret"], Redacted.value(apiSecret))
      }).pipe(Effect.provide(directChannel({ type: "key-secret", apiKey, apiSecret }, () => accepted()))))

    for (const algorithm of VonageSignature.algorithms) {
      it.effect(`signed (${algorithm}): api_key, timestamp and a sig Vonage can verify`, () =>
        Effect.gen(function*() {
          yield* TestClock.setTime(1_617_187_200_000)
          yield* send(yield* message(Content.text("Fish & chips = £5")))
          const request = yield* onlyRequest
          assert.isUndefined(MockHttpClient.header(request, "authorization"))
          const form = MockHttpClient.bodyForm(request)
          assert.strictEqual(form["api_key"], apiKey)
          assert.strictEqual(form["timestamp"], "1617187200")
          assert.isUndefined(form["api_secret"])
          yield* VonageSignature.verify({ params: form, secret: signatureSecret, algorithm })
          const tampered = yield* Effect.flip(
            VonageSignature.verify({ params: { ...form, text: "Fish & chips = £6" }, secret: signatureSecret, algorithm })
          )
          assert.strictEqual(tampered.reason, "Mismatch")
        }).pipe(
          Effect.provide(directChannel({ type: "signed", apiKey, signatureSecret, algorithm }, () => accepted()))
        ))
    }

    it.effect("the base URL can be changed", () =>
      Effect.gen(function*() {
        yield* send(yield* message(hello))
        assert.strictEqual((yield* onlyRequest).url, "http://127.0.0.1:9999/vonage/sms/json")
      }).pipe(
        Effect.provide(directChannel(basic, () => accepted(), { client: { baseUrl: "http://127.0.0.1:9999/vonage/" } }))
      ))
  })

  describe("through KPN", () => {
    it.effect("POST /communication/nexmo/sms/send with a Bearer token from KPN's token endpoint", () =>
      Effect.gen(function*() {
        const receipt = yield* send(yield* message(hello))
        const requests = yield* MockHttpClient.requests
        assert.deepStrictEqual(requests.map((r) => `${r.method} ${r.url}`), [
          "POST https://api-prd.kpn.com/oauth/client_credential/accesstoken?grant_type=client_credentials",
          "POST https://api-prd.kpn.com/communication/nexmo/sms/send"
        ])
        const sendRequest = requests[1]!
        assert.strictEqual(MockHttpClient.header(sendRequest, "authorization"), "Bearer kpn-token-1")
        const form = MockHttpClient.bodyForm(sendRequest)
        assert.isUndefined(form["api_key"])
        assert.strictEqual(form["text"], "Hello World!")
        assert.strictEqual(receipt.parts, 1)
      }).pipe(
        Effect.provide(kpnChannel(MockHttpClient.routes({
          "POST /oauth/client_credential/accesstoken": tokenReply("kpn-token-1"),
          "POST /communication/nexmo/sms/send": accepted()
        })))
      ))

    it.effect("a rejected token is renewed and the send retried once", () =>
      Effect.gen(function*() {
        let tokens = 0
        yield* MockHttpClient.setHandler(MockHttpClient.routes({
          "POST /oauth/client_credential/accesstoken": () => tokenReply(`kpn-token-${++tokens}`),
          "POST /communication/nexmo/sms/send": (request) =>
            MockHttpClient.header(request, "authorization") === "Bearer kpn-token-1"
              ? MockHttpClient.json(
                { fault: { faultstring: "Invalid access token", detail: { errorcode: "oauth.v2.InvalidAccessToken" } } },
                { status: 500 }
              )
              : accepted()
        }))
        const receipt = yield* send(yield* message(hello))
        assert.strictEqual(receipt.parts, 1)
        const auth = (yield* MockHttpClient.requests)
          .filter((r) => r.path.endsWith("/send"))
          .map((r) => MockHttpClient.header(r, "authorization"))
        assert.deepStrictEqual(auth, ["Bearer kpn-token-1", "Bearer kpn-token-2"])
      }).pipe(Effect.provide(kpnChannel(MockHttpClient.unhandled))))

    it.effect("register and updateNumber call KPN's management endpoints", () =>
      Effect.gen(function*() {
        const client = yield* VonageSmsClient.VonageSmsClient
        const registered = yield* client.register({ to: "31612345678", callbackUrl: "https://example.com/inbound" })
        assert.strictEqual(registered.message, "Your callback url is registered.")
        const updated = yield* client.updateNumber({
          country: "NL",
          msisdn: "3197010000000",
          moHttpUrl: "https://example.com/inbound"
        })
        assert.strictEqual(updated.errorCodeLabel, "success")
        const requests = (yield* MockHttpClient.requests).filter((r) => !r.path.includes("oauth"))
        assert.deepStrictEqual(requests.map((r) => r.url), [
          "https://api-prd.kpn.com/communication/nexmo/sms/register",
          "https://api-prd.kpn.com/communication/nexmo/phone-numbers/number/update"
        ])
        assert.deepStrictEqual(MockHttpClient.bodyForm(requests[0]!), {
          to: "31612345678",
          callback_url: "https://example.com/inbound"
        })
        assert.deepStrictEqual(MockHttpClient.bodyForm(requests[1]!), {
          country: "NL",
          msisdn: "3197010000000",
          moHttpUrl: "https://example.com/inbound"
        })
        assert.strictEqual(MockHttpClient.header(requests[1]!, "authorization"), "Bearer t")
        const refusedUpdate = yield* Effect.flip(
          client.updateNumber({ country: "NL", msisdn: "1", moHttpUrl: "x" })
        )
        assert.strictEqual(refusedUpdate._tag, "InvalidMessage")
        assert.strictEqual(refusedUpdate.providerCode, "420")
      }).pipe(
        Effect.provide(kpnChannel(MockHttpClient.routes({
          "POST /oauth/client_credential/accesstoken": tokenReply("t"),
          "POST /communication/nexmo/sms/register": MockHttpClient.json({ message: "Your callback url is registered." }),
          "POST /communication/nexmo/phone-numbers/number/update": (request) =>
            MockHttpClient.bodyForm(request)["msisdn"] === "1"
              ? MockHttpClient.json({ "error-code": "420", "error-code-label": "Invalid parameters" })
              : MockHttpClient.json({ "error-code": "200", "error-code-label": "success" })
        })))
      ))

    it.effect("management calls are refused in direct mode, without I/O", () =>
      Effect.gen(function*() {
        const client = yield* VonageSmsClient.VonageSmsClient
        const error = yield* Effect.flip(client.register({ to: "1", callbackUrl: "https://example.com" }))
        assert.strictEqual(error._tag, "Rejected")
        assert.strictEqual(error._tag === "Rejected" ? error.rejection : "", "NotPermitted")
        assert.strictEqual((yield* MockHttpClient.requests).length, 0)
      }).pipe(Effect.provide(directChannel(basic, () => accepted()))))
  })

  describe("content", () => {
    it.effect("GSM-7 text is type=text, anything else type=unicode", () =>
      Effect.gen(function*() {
        for (const [text, type] of [
          ["Price: 10€ {ok}", "text"],
          ["Grüße aus Köln", "text"],
          ["こんにちは世界", "unicode"],
          ["See you 😀", "unicode"]
        ] as const) {
          yield* MockHttpClient.clear
          yield* send(yield* message(Content.text(text)))
          const form = MockHttpClient.bodyForm(yield* onlyRequest)
          assert.strictEqual(form["type"], type, text)
          assert.strictEqual(form["text"], text)
        }
      }).pipe(Effect.provide(directChannel(basic, () => accepted()))))

    it.effect("binary content sends udh, body and protocol-id", () =>
      Effect.gen(function*() {
        yield* send(yield* message(Content.binary("0011223344556677", { udh: "06050415811581", protocolId: 127 })))
        const form = MockHttpClient.bodyForm(yield* onlyRequest)
        assert.deepStrictEqual(form, {
          from: "Acme",
          to: "447700900000",
          type: "binary",
          body: "0011223344556677",
          udh: "06050415811581",
          "protocol-id": "127",
          "client-ref": "order-1234"
        })
      }).pipe(Effect.provide(directChannel(basic, () => accepted()))))

    it.effect("every advanced field, from the channel's defaults and per message from metadata", () =>
      Effect.gen(function*() {
        yield* send(yield* message(hello, { ttl: Duration.minutes(15), clientReference: "my-personal-reference" }))
        assert.deepStrictEqual(MockHttpClient.bodyForm(yield* onlyRequest), {
          from: "Acme",
          to: "447700900000",
          type: "text",
          text: "Hello World!",
          ttl: "900000",
          "status-report-req": "true",
          callback: "https://example.com/sms-dlr",
          "message-class": "0",
          "client-ref": "my-personal-reference",
          "account-ref": "customer1234",
          "entity-id": "1101456324675322134",
          "content-id": "1107457532145798767",
          "trusted-number": "true",
          "pool-id": "abc123"
        })
        yield* MockHttpClient.clear
        yield* send(
          yield* message(Content.binary("00"), {
            metadata: {
              "vonage-sms.entity-id": "other-entity",
              "vonage-sms.status-report-req": "false",
              "vonage-sms.message-class": "2",
              "vonage-sms.protocol-id": "64",
              "vonage-sms.pool-id": "pool-2",
              unrelated: "kept out"
            }
          })
        )
        const form = MockHttpClient.bodyForm(yield* onlyRequest)
        assert.strictEqual(form["entity-id"], "other-entity")
        assert.strictEqual(form["status-report-req"], "false")
        assert.strictEqual(form["message-class"], "2")
        assert.strictEqual(form["protocol-id"], "64")
        assert.strictEqual(form["pool-id"], "pool-2")
        assert.strictEqual(form["content-id"], "1107457532145798767")
        assert.isUndefined(form["unrelated"])
      }).pipe(
        Effect.provide(directChannel(basic, () => accepted(), {
          channel: {
            statusReportReq: true,
            callback: "https://example.com/sms-dlr",
            messageClass: 0,
            accountRef: "customer1234",
            entityId: "1101456324675322134",
            contentId: "1107457532145798767",
            poolId: "abc123",
            trustedNumber: true
          }
        }))
      ))

    it.effect("messages that cannot be sent are refused before any I/O", () =>
      Effect.gen(function*() {
        const channel = yield* VonageSmsChannel.VonageSmsChannel
        const cases: ReadonlyArray<readonly [Effect.Effect<ChannelError.ChannelError, unknown>, string, string]> = [
          [Effect.flip(channel.send(yield* message(hello, { sender: undefined }))), "InvalidMessage", "sender"],
          [Effect.flip(channel.send(yield* message(hello, { sender: "AcmeCorporation" }))), "InvalidMessage", "sender"],
          [Effect.flip(channel.send(yield* message(hello, { sender: "+1234567890123456" }))), "InvalidMessage", "sender"],
          [Effect.flip(channel.send(yield* message(hello, { ttl: Duration.seconds(5) }))), "InvalidMessage", "ttl"],
          [Effect.flip(channel.send(yield* message(hello, { ttl: Duration.days(8) }))), "InvalidMessage", "ttl"],
          [
            Effect.flip(channel.send(yield* message(Content.binary("00".repeat(135), { udh: "0605040b8423f0" })))),
            "InvalidMessage",
            "content.body"
          ],
          [
            Effect.flip(
              channel.send(yield* message(hello, { metadata: { "vonage-sms.callback": `https://e.com/${"x".repeat(90)}` } }))
            ),
            "InvalidMessage",
            "callback"
          ],
          [
            Effect.flip(channel.send(yield* message(hello, { metadata: { "vonage-sms.message-class": "7" } }))),
            "InvalidMessage",
            "metadata"
          ],
          [Effect.flip(channel.send(yield* message(Content.text("x".repeat(3201))))), "InvalidMessage", "content.text"],
          [Effect.flip(channel.send(yield* message(Content.image("https://e.com/a.png")))), "UnsupportedContent", ""]
        ]
        for (const [effect, tag, field] of cases) {
          const error = yield* effect
          assert.strictEqual(error._tag, tag)
          if (error._tag === "InvalidMessage") assert.strictEqual(error.field, field)
        }
        assert.strictEqual((yield* MockHttpClient.requests).length, 0)
        // spaces do not count in an alphanumeric sender, and a number may have 15 digits
        yield* channel.send(yield* message(hello, { sender: "Acme Corp 12" }))
        yield* channel.send(yield* message(hello, { sender: "+447700900123456" }))
        assert.strictEqual((yield* MockHttpClient.requests).length, 2)
      }).pipe(Effect.provide(directChannel(basic, () => accepted()))))
  })

  describe("receipts", () => {
    it.effect("a multi-part message lists every part, sums the price, keeps the last balance", () =>
      Effect.gen(function*() {
        const receipt = yield* send(yield* message(Content.text("a".repeat(400))))
        assert.deepStrictEqual(receipt.providerMessageIds, ["0A000000000001", "0A000000000002", "0A000000000003"])
        assert.strictEqual(receipt.parts, 3)
        assert.strictEqual(receipt.price, "0.09990000")
        assert.strictEqual(receipt.remainingBalance, "9.90010000")
        assert.strictEqual(receipt.network, "23410")
      }).pipe(Effect.provide(directChannel(basic, () => accepted(3)))))

    it("sumAmounts adds decimals exactly", () => {
      assert.strictEqual(VonageSmsChannel.sumAmounts(["0.1", "0.2"]), "0.3")
      assert.strictEqual(VonageSmsChannel.sumAmounts(["0.04120000", "0.04120000"]), "0.08240000")
      assert.strictEqual(VonageSmsChannel.sumAmounts(["1", "2.5", "-0.75"]), "2.75")
      assert.strictEqual(VonageSmsChannel.sumAmounts(["-1.5"]), "-1.5")
      assert.isUndefined(VonageSmsChannel.sumAmounts([]))
      assert.isUndefined(VonageSmsChannel.sumAmounts(["*****"]))
    })

    it.effect("a partial failure names the accepted parts and the refused ones", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(send(yield* message(Content.text("a".repeat(300)))))
        assert.strictEqual(error._tag, "RateLimited")
        assert.strictEqual(error.providerCode, "1")
        assert.strictEqual(error.providerText, "Throttled")
        assert.include(error.message, "partial failure: 1 of 2 parts were accepted (ids 3295d748-4e14-4681-af78-166dca3c5aab")
        assert.include(error.message, "and 1 refused (part 2 of 2: status 1 \"Throttled\")")
      }).pipe(
        Effect.provide(directChannel(basic, () =>
          MockHttpClient.json({
            "message-count": "2",
            messages: [
              {
                to: "447700900000",
                "message-id": "3295d748-4e14-4681-af78-166dca3c5aab",
                status: "0",
                "remaining-balance": "38.07243628",
                "message-price": "0.04120000",
                network: "23420"
              },
              { status: "1", "error-text": "Throttled" }
            ]
          })))
      ))
  })

  describe("status codes", () => {
    for (let code = 1; code <= 34; code++) {
      const [reason, rejection] = expectedStatusCodes[code]!
      it.effect(`status ${code} is ${reason}${rejection === undefined ? "" : ` (${rejection})`}`, () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(send(yield* message(hello)))
          assert.strictEqual(error._tag, reason)
          assert.strictEqual(error.channel, "sms.vonage")
          assert.strictEqual(error.providerCode, String(code))
          assert.strictEqual(error.providerText, `Vonage says ${code}`)
          assert.strictEqual(error.retryable, reason === "RateLimited" || reason === "ProviderUnavailable")
          if (error._tag === "Rejected") assert.strictEqual(error.rejection, rejection)
          const documented = VonageSmsCodes.statusCode(String(code))
          if (documented !== undefined) assert.include(error.message, documented.name)
          else assert.include(error.message, "undocumented status")
        }).pipe(Effect.provide(directChannel(basic, () => refused(String(code), `Vonage says ${code}`)))))
    }
  })

  describe("HTTP failures", () => {
    const failing = (outcome: MockHttpClient.Outcome) => directChannel(basic, () => outcome)

    it.effect("429 with Retry-After is RateLimited with the delay", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(send(yield* message(hello)))
        assert.strictEqual(error._tag, "RateLimited")
        assert.strictEqual(error._tag === "RateLimited" ? error.retryAfterMillis : 0, 7000)
      }).pipe(Effect.provide(failing(MockHttpClient.json({}, { status: 429, headers: { "Retry-After": "7" } })))))

    for (const status of [500, 502, 503]) {
      it.effect(`${status} is ProviderUnavailable`, () =>
        Effect.gen(function*() {
          const error = yield* Effect.flip(send(yield* message(hello)))
          assert.strictEqual(error._tag, "ProviderUnavailable")
          assert.strictEqual(error._tag === "ProviderUnavailable" ? error.status : 0, status)
        }).pipe(Effect.provide(failing(MockHttpClient.text("upstream failed", { status })))))
    }

    it.effect("401 is AuthenticationFailed, and the secret is not in it", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(send(yield* message(hello)))
        assert.strictEqual(error._tag, "AuthenticationFailed")
        assert.notInclude(JSON.stringify(error), Redacted.value(apiSecret))
        assert.notInclude(String(error), Redacted.value(apiSecret))
        assert.include(error.providerText ?? "", "<redacted>")
      }).pipe(
        Effect.provide(failing(MockHttpClient.text(`bad secret ${Redacted.value(apiSecret)}`, { status: 401 })))
      ))

    it.effect("a transport error, a timeout and an unreadable body are ProviderUnavailable", () =>
      Effect.gen(function*() {
        yield* MockHttpClient.enqueue(
          MockHttpClient.transportError("connection refused"),
          MockHttpClient.text("<html>not json</html>"),
          MockHttpClient.json({ messages: [{ status: "0" }] }),
          MockHttpClient.hang
        )
        const m = yield* message(hello)
        for (let i = 0; i < 3; i++) {
          assert.strictEqual((yield* Effect.flip(send(m)))._tag, "ProviderUnavailable")
        }
        const fiber = yield* Effect.fork(Effect.flip(send(m)))
        yield* TestClock.adjust("10 seconds")
        const timedOut = yield* Fiber.join(fiber)
        assert.strictEqual(timedOut._tag, "ProviderUnavailable")
        assert.include(timedOut.message, "did not answer within 10s")
        assert.strictEqual((yield* Effect.flip(send(m)))._tag, "ProviderUnavailable")
      }).pipe(
        Effect.provide(directChannel(basic, () => refused("5"), { client: { timeout: "10 seconds" } }))
      ))

    it.live("a timeout under the live clock is ProviderUnavailable, and a later answer still goes through", () =>
      Effect.gen(function*() {
        yield* MockHttpClient.enqueue(MockHttpClient.hang, accepted())
        const m = yield* message(hello)
        const timedOut = yield* Effect.flip(send(m))
        assert.strictEqual(timedOut._tag, "ProviderUnavailable")
        assert.include(timedOut.message, "did not answer within")
        const receipt = yield* send(m)
        assert.strictEqual(receipt.parts, 1)
      }).pipe(
        Effect.provide(directChannel(basic, () => refused("5"), { client: { timeout: "20 millis" } }))
      ))

    it.effect("an empty answer is ProviderUnavailable", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(send(yield* message(hello)))
        assert.strictEqual(error._tag, "ProviderUnavailable")
      }).pipe(Effect.provide(failing(MockHttpClient.json({ "message-count": "0", messages: [] })))))
  })

  describe("retries and rate limits", () => {
    it.effect("retryable errors are retried with backoff; the receipt comes from the retry", () =>
      Effect.gen(function*() {
        yield* MockHttpClient.enqueue(refused("1", "Throttled"), MockHttpClient.text("", { status: 503 }))
        const fiber = yield* Effect.fork(send(yield* message(hello)))
        yield* TestClock.adjust("999 millis")
        assert.strictEqual((yield* MockHttpClient.requests).length, 1)
        yield* TestClock.adjust("1 millis")
        assert.strictEqual((yield* MockHttpClient.requests).length, 2)
        yield* TestClock.adjust("2 seconds")
        const receipt = yield* Fiber.join(fiber)
        assert.strictEqual(receipt.parts, 1)
        assert.strictEqual((yield* MockHttpClient.requests).length, 3)
      }).pipe(Effect.provide(directChannel(basic, () => accepted(), { channel: { retry: VonageSmsChannel.defaultRetry } }))))

    it.effect("Retry-After is honoured when longer than the backoff", () =>
      Effect.gen(function*() {
        yield* MockHttpClient.enqueue(MockHttpClient.json({}, { status: 429, headers: { "retry-after": "5" } }))
        const fiber = yield* Effect.fork(send(yield* message(hello)))
        yield* TestClock.adjust("4999 millis")
        assert.strictEqual((yield* MockHttpClient.requests).length, 1)
        yield* TestClock.adjust("1 millis")
        yield* Fiber.join(fiber)
        assert.strictEqual((yield* MockHttpClient.requests).length, 2)
      }).pipe(Effect.provide(directChannel(basic, () => accepted(), { channel: { retry: VonageSmsChannel.defaultRetry } }))))

    it.effect("errors that are not retryable are not retried", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(send(yield* message(hello)))
        assert.strictEqual(error._tag, "Rejected")
        assert.strictEqual((yield* MockHttpClient.requests).length, 1)
      }).pipe(Effect.provide(directChannel(basic, () => refused("7"), { channel: { retry: VonageSmsChannel.defaultRetry } }))))

    it.effect("sends are rate limited per client", () =>
      Effect.gen(function*() {
        const m = yield* message(hello)
        const fiber = yield* Effect.fork(Effect.all([send(m), send(m), send(m), send(m)], { concurrency: "unbounded" }))
        yield* TestClock.adjust("1 millis")
        assert.strictEqual((yield* MockHttpClient.requests).length, 2)
        yield* TestClock.adjust("500 millis")
        assert.strictEqual((yield* MockHttpClient.requests).length, 3)
        yield* TestClock.adjust("500 millis")
        yield* Fiber.join(fiber)
        assert.strictEqual((yield* MockHttpClient.requests).length, 4)
      }).pipe(
        Effect.provide(directChannel(basic, () => accepted(), { client: { rateLimit: { limit: 2, interval: "1 second" } } }))
      ))
  })

  describe("channel id", () => {
    it.effect("a custom channel id is on receipts and on every error, the token middleware's included", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(send(yield* message(hello)))
        assert.strictEqual(error._tag, "AuthenticationFailed")
        assert.strictEqual(error.channel, "sms.kpn-vonage")
      }).pipe(
        Effect.provide(kpnChannel(
          MockHttpClient.routes({
            "POST /oauth/client_credential/accesstoken": MockHttpClient.json(
              { ErrorCode: "invalid_client", Error: "ClientId is Invalid" },
              { status: 401 }
            )
          }),
          { channel: { channel: "sms.kpn-vonage" } }
        ))
      ))
  })
})
