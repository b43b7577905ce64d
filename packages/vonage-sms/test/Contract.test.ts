/**
 * Contract tests: the adapter against the simulator (`@switchboard/simulator`), in process, over real HTTP on
 * 127.0.0.1, with the simulator's webhooks delivered to a real webhook endpoint built from
 * `WebhookHttp.mount` and `VonageSmsWebhook.parser`.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, layer } from "@effect/vitest"
import { OAuthClientCredentials, type VonageSignature } from "@switchboard/auth"
import {
  type Channel,
  Content,
  type InboundMessage,
  type Phone,
  Recipient,
  Sms,
  type Status,
  type Webhook
} from "@switchboard/core"
import { Simulator } from "@switchboard/simulator"
import { WebhookReceiver } from "@switchboard/testing"
import { ConcatStore, VonageSmsChannel, VonageSmsClient, VonageSmsWebhook } from "@switchboard/vonage-sms"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { expectedStatusCodes, message } from "./support.js"

const apiKey = "abcd1234"
const apiSecret = "contract-api-secret-1"
const signatureSecret = "contract-signature-secret-1"
const kpnClientId = "contract-kpn-client"
const kpnClientSecret = "contract-kpn-secret-1"

/** A safety net so a missing webhook fails the test instead of hanging it; never a timing assertion. */
const patience = "20 seconds"

/**
 * A webhook endpoint on 127.0.0.1 (`url` includes its path) that parses with `VonageSmsWebhook` and its own
 * concat store.
 */
const receiver = (options: VonageSmsWebhook.Options = { verification: "disabled" }) =>
  Effect.gen(function*() {
    const store = yield* ConcatStore.makeMemory()
    const parser: Webhook.Parser = (request) =>
      VonageSmsWebhook.parser(options)(request).pipe(Effect.provideService(ConcatStore.ConcatStore, store))
    const webhook = yield* WebhookReceiver.make({ parsers: { "/webhooks/sms": parser }, timeout: patience })
    return { url: `${webhook.url}/webhooks/sms`, events: webhook.events }
  })

const setup = (scenario: unknown) =>
  Effect.gen(function*() {
    const simulator = yield* Simulator.Simulator
    yield* simulator.reset
    yield* simulator.loadScenario(scenario)
    return simulator
  })

type Built = { readonly channel: Channel.Channel; readonly client: VonageSmsClient.Service }

const directChannel = (
  authentication: VonageSmsClient.Authentication,
  options?: VonageSmsChannel.Options
): Effect.Effect<Built, never, Simulator.Simulator | HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const simulator = yield* Simulator.Simulator
    const client = yield* VonageSmsClient.make({ mode: "direct", authentication, baseUrl: simulator.baseUrl })
    const channel = yield* VonageSmsChannel.make({ retry: false, sender: "AcmeInc", ...options }).pipe(
      Effect.provideService(VonageSmsClient.VonageSmsClient, client)
    )
    return { channel, client }
  })

const kpnChannel = (
  options?: VonageSmsChannel.Options
): Effect.Effect<Built, never, Simulator.Simulator | HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const simulator = yield* Simulator.Simulator
    const oauth = yield* OAuthClientCredentials.make({
      clientId: kpnClientId,
      clientSecret: Redacted.make(kpnClientSecret),
      tokenUrl: `${simulator.baseUrl}/oauth/client_credential/accesstoken`
    })
    const client = yield* VonageSmsClient.make({ mode: "kpn", baseUrl: `${simulator.baseUrl}/communication/nexmo/sms` }).pipe(
      Effect.provideService(OAuthClientCredentials.OAuthClientCredentials, oauth)
    )
    const channel = yield* VonageSmsChannel.make({ retry: false, sender: "AcmeInc", ...options }).pipe(
      Effect.provideService(VonageSmsClient.VonageSmsClient, client)
    )
    return { channel, client }
  })

const basic: VonageSmsClient.Authentication = { type: "basic", apiKey, apiSecret: Redacted.make(apiSecret) }

const to = (phone: string) => Recipient.make({ phone: phone as Phone.E164 })

const textTo = (phone: string, text: string, fields?: Partial<Parameters<typeof message>[1]>) =>
  message(Content.text(text), { recipient: to(phone), sender: "AcmeInc", ...fields })

const statusUpdates = (events: ReadonlyArray<Webhook.Event>) =>
  events.map((event) => {
    assert.strictEqual(event._tag, "StatusUpdate")
    return event as Status.StatusUpdate
  })

const credentials = { vonage: { apiKey, apiSecret, signatureSecret } }

layer(Layer.merge(Simulator.layer(), NodeHttpClient.layerUndici), { excludeTestServices: true })("contract: VonageSmsChannel against the simulator", (it) => {
  describe("sending", () => {
    it.scoped("a single part, with its delivery receipt back as a StatusUpdate for our message", () =>
      Effect.gen(function*() {
        const webhook = yield* receiver()
        const simulator = yield* setup({ credentials, webhooks: { vonageSms: { deliveryReceiptUrl: webhook.url } } })
        const { channel } = yield* directChannel(basic)
        const m = yield* textTo("+447700900000", "Hello World!")
        const receipt = yield* channel.send(m)
        assert.strictEqual(receipt.parts, 1)
        assert.strictEqual(receipt.price, "0.03330000")
        assert.match(receipt.remainingBalance ?? "", /^\d+\.\d{8}$/)
        assert.strictEqual(receipt.network, "20408")
        const [update] = statusUpdates(yield* webhook.events.takeN(1))
        assert.strictEqual(update!.providerMessageId, receipt.providerMessageIds[0])
        assert.strictEqual(update!.messageId, m.id)
        assert.strictEqual(update!.state, "delivered")
        assert.strictEqual(update!.recipient, "447700900000")
        const [sent] = yield* simulator.messages
        assert.strictEqual(sent!.text, "Hello World!")
      }))

    it.scoped("multi-part text: one id per part, one delivery receipt per part", () =>
      Effect.gen(function*() {
        const webhook = yield* receiver()
        yield* setup({ webhooks: { vonageSms: { deliveryReceiptUrl: webhook.url } } })
        const { channel } = yield* directChannel(basic)
        const receipt = yield* channel.send(yield* textTo("+447700900000", "Lorem ipsum dolor sit amet. ".repeat(15)))
        assert.strictEqual(receipt.parts, 3)
        assert.strictEqual(new Set(receipt.providerMessageIds).size, 3)
        assert.strictEqual(receipt.price, "0.09990000")
        const updates = statusUpdates(yield* webhook.events.takeN(3))
        assert.deepStrictEqual(
          updates.map((u) => u.providerMessageId).sort(),
          [...receipt.providerMessageIds].sort()
        )
        assert.isTrue(updates.every((u) => u.state === "delivered" && u.messageId === "order-1234"))
      }))

    it.scoped("unicode text goes as type=unicode and is counted in UCS-2 parts", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({})
        const { channel } = yield* directChannel(basic)
        const text = "こんにちは世界、お元気ですか? 😀 ".repeat(4)
        const receipt = yield* channel.send(yield* textTo("+447700900000", text))
        const [request] = yield* simulator.requests
        const form = new URLSearchParams(request!.body)
        assert.strictEqual(form.get("type"), "unicode")
        assert.strictEqual(form.get("text"), text)
        assert.strictEqual(receipt.parts, 2)
      }))

    it.scoped("binary: udh, body and protocol-id", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({})
        const { channel } = yield* directChannel(basic)
        const receipt = yield* channel.send(
          yield* message(Content.binary("0011223344556677", { udh: "06050415811581", protocolId: 127 }))
        )
        assert.strictEqual(receipt.parts, 1)
        const form = new URLSearchParams((yield* simulator.requests)[0]!.body)
        assert.deepStrictEqual([form.get("type"), form.get("body"), form.get("udh"), form.get("protocol-id")], [
          "binary",
          "0011223344556677",
          "06050415811581",
          "127"
        ])
      }))

    for (
      const [name, authentication] of [
        ["key-secret", { type: "key-secret", apiKey, apiSecret: Redacted.make(apiSecret) }],
        ...(["md5hash", "md5", "sha1", "sha256", "sha512"] as const).map((algorithm) =>
          [`signed (${algorithm})`, { type: "signed", apiKey, signatureSecret: Redacted.make(signatureSecret), algorithm }]
        )
      ] as ReadonlyArray<readonly [string, VonageSmsClient.Authentication]>
    ) {
      it.scoped(`${name} requests are accepted; wrong credentials are AuthenticationFailed`, () =>
        Effect.gen(function*() {
          yield* setup({ credentials })
          const { channel } = yield* directChannel(authentication)
          assert.strictEqual((yield* channel.send(yield* textTo("+447700900000", "Fish & chips = £5"))).parts, 1)
          const wrong: VonageSmsClient.Authentication = authentication.type === "signed"
            ? { ...authentication, signatureSecret: Redacted.make("not-the-secret") }
            : { ...authentication, apiSecret: Redacted.make("not-the-secret") } as VonageSmsClient.Authentication
          const { channel: refused } = yield* directChannel(wrong)
          const error = yield* Effect.flip(refused.send(yield* textTo("+447700900000", "Hello")))
          assert.strictEqual(error._tag, "AuthenticationFailed")
          assert.strictEqual(error.providerCode, authentication.type === "signed" ? "14" : "4")
        }))
    }

    it.scoped("Basic with a wrong secret is AuthenticationFailed (status 4)", () =>
      Effect.gen(function*() {
        yield* setup({ credentials })
        const { channel } = yield* directChannel({ ...basic, apiSecret: Redacted.make("wrong-secret") } as VonageSmsClient.Authentication)
        const error = yield* Effect.flip(channel.send(yield* textTo("+447700900000", "Hello")))
        assert.strictEqual(error._tag, "AuthenticationFailed")
        assert.strictEqual(error.providerCode, "4")
      }))
  })

  describe("errors", () => {
    const codes = Object.keys(expectedStatusCodes).map(Number).filter((code) => code <= 33)
    const phoneFor = (code: number) => `+4477009001${String(code).padStart(2, "0")}`

    it.scoped("each status code 1–33 becomes its ChannelError, with Vonage's code", () =>
      Effect.gen(function*() {
        yield* setup({
          rules: codes.map((code) => ({ to: phoneFor(code), outcome: { type: "reject", stage: "submit", code } }))
        })
        const { channel } = yield* directChannel(basic)
        for (const code of codes) {
          const error = yield* Effect.flip(channel.send(yield* textTo(phoneFor(code), "Hello")))
          const [reason, rejection] = expectedStatusCodes[code]!
          assert.strictEqual(error._tag, reason, `status ${code}`)
          assert.strictEqual(error.providerCode, String(code))
          if (error._tag === "Rejected") assert.strictEqual(error.rejection, rejection, `status ${code}`)
        }
      }))

    it.scoped("throttling (HTTP 429), server errors, dropped connections and a provider that never answers", () =>
      Effect.gen(function*() {
        yield* setup({
          rules: [
            { to: "+447700900201", outcome: { type: "throttle", retryAfterSeconds: 3 } },
            { to: "+447700900202", outcome: { type: "server-error", status: 503 } },
            { to: "+447700900203", outcome: { type: "drop-connection" } },
            { to: "+447700900204", outcome: { type: "never-answer" } }
          ]
        })
        const simulator = yield* Simulator.Simulator
        const client = yield* VonageSmsClient.make({
          mode: "direct",
          authentication: basic,
          baseUrl: simulator.baseUrl,
          timeout: "1 second"
        })
        const channel = yield* VonageSmsChannel.make({ retry: false, sender: "AcmeInc" }).pipe(
          Effect.provideService(VonageSmsClient.VonageSmsClient, client)
        )
        const throttled = yield* Effect.flip(channel.send(yield* textTo("+447700900201", "Hello")))
        assert.strictEqual(throttled._tag, "RateLimited")
        assert.strictEqual(throttled._tag === "RateLimited" ? throttled.retryAfterMillis : 0, 3000)
        const unavailable = yield* Effect.flip(channel.send(yield* textTo("+447700900202", "Hello")))
        assert.strictEqual(unavailable._tag, "ProviderUnavailable")
        assert.strictEqual(unavailable._tag === "ProviderUnavailable" ? unavailable.status : 0, 503)
        assert.strictEqual((yield* Effect.flip(channel.send(yield* textTo("+447700900203", "Hello"))))._tag, "ProviderUnavailable")
        const silent = yield* Effect.flip(channel.send(yield* textTo("+447700900204", "Hello")))
        assert.strictEqual(silent._tag, "ProviderUnavailable")
        assert.include(silent.message, "did not answer")
      }))

    it.scoped("a throttled send is retried after Retry-After and then accepted", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({
          rules: [{ to: "+447700900301", times: 1, outcome: { type: "throttle", retryAfterSeconds: 1 } }]
        })
        const { channel } = yield* directChannel(basic, { retry: { attempts: 3, initialDelay: "100 millis" } })
        const receipt = yield* channel.send(yield* textTo("+447700900301", "Hello"))
        assert.strictEqual(receipt.parts, 1)
        const statuses = (yield* simulator.requests).map((r) => r.status)
        assert.deepStrictEqual(statuses, [429, 200])
      }))

    it.scoped("a refused delivery comes back as a failed StatusUpdate", () =>
      Effect.gen(function*() {
        const webhook = yield* receiver()
        yield* setup({
          webhooks: { vonageSms: { deliveryReceiptUrl: webhook.url } },
          rules: [
            { to: "+447700900401", outcome: { type: "undeliverable" } },
            { to: "+447700900402", outcome: { type: "reject", stage: "receipt", code: 6 } },
            { to: "+447700900403", outcome: { type: "expire" } }
          ]
        })
        const { channel } = yield* directChannel(basic)
        const states: Array<Status.State> = []
        for (const phone of ["+447700900401", "+447700900402", "+447700900403"]) {
          yield* channel.send(yield* textTo(phone, "Hello"))
          states.push(statusUpdates(yield* webhook.events.takeN(1))[0]!.state)
        }
        assert.deepStrictEqual(states, ["undeliverable", "rejected", "expired"])
      }))
  })

  describe("through KPN", () => {
    it.scoped("sends with a bearer token; a token refresh in the middle of a stream of sends loses nothing", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({ credentials: { kpn: { clientId: kpnClientId, clientSecret: kpnClientSecret } } })
        const { channel } = yield* kpnChannel()
        const send = (i: number) => Effect.flatMap(textTo("+31612345678", `Message ${i}`), channel.send)
        const first = yield* Effect.forEach([1, 2, 3, 4, 5], send)
        yield* simulator.expireTokens
        const second = yield* Effect.forEach([6, 7, 8, 9, 10], send, { concurrency: 5 })
        yield* simulator.expireTokens
        const third = yield* Effect.forEach([11, 12, 13], send)
        assert.strictEqual([...first, ...second, ...third].length, 13)
        const counters = yield* simulator.counters
        assert.strictEqual(counters.tokensIssued, 3)
        assert.strictEqual(counters.messagesAccepted, 13)
        const sends = (yield* simulator.requests).filter((r) => r.path === "/communication/nexmo/sms/send")
        assert.strictEqual(sends.filter((r) => r.status === 200).length, 13)
        assert.isTrue(sends.filter((r) => r.status !== 200).every((r) => r.status === 401))
      }))

    it.scoped("the invalid-token fault with HTTP 500 is recognised and the token renewed", () =>
      Effect.gen(function*() {
        const simulator = yield* setup({ tokens: { invalidTokenStatus: 500 } })
        const { channel } = yield* kpnChannel()
        yield* channel.send(yield* textTo("+31612345678", "one"))
        yield* simulator.expireTokens
        yield* channel.send(yield* textTo("+31612345678", "two"))
        assert.strictEqual((yield* simulator.counters).tokensIssued, 2)
      }))

    it.scoped("wrong client credentials are AuthenticationFailed naming the channel", () =>
      Effect.gen(function*() {
        yield* setup({ credentials: { kpn: { clientId: kpnClientId, clientSecret: "another-secret" } } })
        const { channel } = yield* kpnChannel()
        const error = yield* Effect.flip(channel.send(yield* textTo("+31612345678", "Hello")))
        assert.strictEqual(error._tag, "AuthenticationFailed")
        assert.strictEqual(error.channel, "sms.vonage")
        assert.notInclude(JSON.stringify(error), kpnClientSecret)
      }))

    it.scoped("register a test number's webhook, then inbound SMS to it arrive there", () =>
      Effect.gen(function*() {
        const webhook = yield* receiver()
        const simulator = yield* setup({})
        const { client } = yield* kpnChannel()
        const registered = yield* client.register({ to: "31612345678", callbackUrl: webhook.url })
        assert.strictEqual(registered.message, "Your callback url is registered.")
        yield* simulator.inbound({ api: "kpn-vonage-sms", from: "+31687654321", to: "+31612345678", text: "Hi KPN" })
        const [event] = yield* webhook.events.takeN(1)
        assert.strictEqual(event!._tag, "InboundMessage")
        assert.deepStrictEqual((event as InboundMessage.InboundMessage).content, Content.text("Hi KPN"))
        assert.strictEqual((event as InboundMessage.InboundMessage).from, "31687654321")
      }))
  })

  describe("webhook round trips", () => {
    const methods = ["GET", "POST", "POST-JSON"] as const
    const signings: ReadonlyArray<VonageSignature.SignatureAlgorithm | undefined> = [undefined, "md5hash", "sha256"]

    for (const method of methods) {
      for (const algorithm of signings) {
        const label = `${method}, ${algorithm === undefined ? "unsigned" : `signed with ${algorithm}`}`
        const signature = algorithm === undefined
          ? undefined
          : { secret: Redacted.make(signatureSecret), algorithm }
        const vonageSms = (url: string) => ({
          deliveryReceiptUrl: url,
          inboundUrl: url,
          method,
          ...(algorithm === undefined ? {} : { signatureSecret, signatureMethod: algorithm })
        })

        it.scoped(`delivery receipt (${label})`, () =>
          Effect.gen(function*() {
            const webhook = yield* receiver(signature === undefined ? { verification: "disabled" } : { signature })
            yield* setup({ webhooks: { vonageSms: vonageSms(webhook.url) }, rules: [] })
            const { channel } = yield* directChannel(basic)
            const m = yield* textTo("+447700900000", "Round trip")
            const receipt = yield* channel.send(m)
            const [update] = statusUpdates(yield* webhook.events.takeN(1))
            assert.strictEqual(update!.providerMessageId, receipt.providerMessageIds[0])
            assert.strictEqual(update!.messageId, m.id)
            assert.strictEqual(update!.state, "delivered")
          }))

        it.scoped(`inbound multi-part SMS, parts reversed and duplicated (${label})`, () =>
          Effect.gen(function*() {
            const webhook = yield* receiver(signature === undefined ? { verification: "disabled" } : { signature })
            const simulator = yield* setup({ webhooks: { vonageSms: vonageSms(webhook.url) } })
            const text = "Ça va? This inbound message is long enough to need three parts. ".repeat(6)
            const sent = yield* simulator.inbound({
              api: "vonage-sms",
              from: "+447700900555",
              to: "+447700900000",
              text,
              order: "reverse",
              duplicate: 1
            })
            const parts = Sms.countSegments(text)
            assert.strictEqual(parts, 3)
            assert.strictEqual(sent.length, parts * 2)
            assert.isTrue(sent.every((callback) => callback.status === 200))
            const [event] = yield* webhook.events.takeN(1)
            const inbound = event as InboundMessage.InboundMessage
            assert.strictEqual(inbound._tag, "InboundMessage")
            assert.deepStrictEqual(inbound.content, Content.text(text))
            assert.strictEqual(inbound.providerMessageIds?.length, parts)
            assert.strictEqual(inbound.from, "447700900555")
            assert.isUndefined(inbound.incomplete)
            assert.deepStrictEqual(yield* webhook.events.takeAll, [])
          }))
      }
    }

    it.scoped("unicode inbound SMS", () =>
      Effect.gen(function*() {
        const webhook = yield* receiver()
        const simulator = yield* setup({ webhooks: { vonageSms: { inboundUrl: webhook.url } } })
        yield* simulator.inbound({ api: "vonage-sms", from: "+447700900555", to: "+447700900000", text: "Привет 👋" })
        const [event] = yield* webhook.events.takeN(1)
        assert.deepStrictEqual((event as InboundMessage.InboundMessage).content, Content.text("Привет 👋"))
      }))

    it.scoped("a receiver that expects signatures refuses unsigned and wrongly signed webhooks (401)", () =>
      Effect.gen(function*() {
        const webhook = yield* receiver({ signature: { secret: Redacted.make(signatureSecret), algorithm: "sha256" } })
        for (const signing of [{}, { signatureSecret: "another-secret", signatureMethod: "sha256" }]) {
          const simulator = yield* setup({ webhooks: { vonageSms: { inboundUrl: webhook.url, ...signing } } })
          const sent = yield* simulator.inbound({ api: "vonage-sms", from: "+447700900555", to: "+447700900000", text: "Hi" })
          assert.deepStrictEqual(sent.map((callback) => callback.status), [401])
        }
        assert.deepStrictEqual(yield* webhook.events.takeAll, [])
      }))
  })
})
