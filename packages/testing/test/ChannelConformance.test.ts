import * as HttpClient from "@effect/platform/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { type Channel, ChannelError, Message, Phone, Receipt, Recipient } from "@switchboard/core"
import { ChannelConformance, InMemoryChannel, InMemoryClient, InMemoryProvider, MockHttpClient } from "@switchboard/testing"
import * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

const apiKey = "conformance-test-key-5b2e81aa"
const baseUrl = "https://api.inmemory.test"

const client = (options?: { readonly timeout?: Duration.DurationInput }) =>
  InMemoryClient.layer({ baseUrl, apiKey: Redacted.make(apiKey), timeout: options?.timeout ?? "10 seconds" })

const reference = InMemoryChannel.make().pipe(Effect.provide(client()))

const base: ChannelConformance.Options = {
  name: "under test",
  channel: reference,
  accept: () =>
    MockHttpClient.json(
      { message_ids: ["im-000001"], parts: 1, accepted_at: "2026-01-01T10:00:00.000Z" },
      { status: 201 }
    ),
  isSend: (request) => request.method === "POST" && request.path === "/v1/messages",
  recipient: Recipient.make({ phone: Schema.decodeSync(Phone.E164)("+31612345678") }),
  sender: "Switchboard",
  secrets: [apiKey],
  timeout: "10 seconds"
}

/** A channel derived from the reference one, with a flaw. */
const broken = (
  f: (inner: Channel.Channel, http: HttpClient.HttpClient) => Channel.Channel
): ChannelConformance.Options["channel"] =>
  Effect.gen(function*() {
    const inner = yield* reference
    const http = yield* HttpClient.HttpClient
    return f(inner, http)
  })

interface Result {
  readonly name: string
  readonly failure: string | undefined
}

const runChecks = (options: ChannelConformance.Options, only?: (name: string) => boolean) =>
  Effect.gen(function*() {
    const list = yield* ChannelConformance.checks(options)
    const results: Array<Result> = []
    for (const check of list) {
      if (only !== undefined && !only(check.name)) continue
      const outcome = yield* Effect.either(check.run)
      results.push({ name: check.name, failure: outcome._tag === "Left" ? outcome.left.message : undefined })
    }
    return results
  })

const failed = (results: ReadonlyArray<Result>) => results.filter((r) => r.failure !== undefined).map((r) => r.name)

const failureOf = (results: ReadonlyArray<Result>, prefix: string): string => {
  const result = results.find((r) => r.name.startsWith(prefix))
  assert.isDefined(result, `no check named "${prefix}..."`)
  assert.isDefined(result!.failure, `"${result!.name}" passed`)
  return result!.failure!
}

const secretsCheck = "never reveals a secret"

describe("ChannelConformance", () => {
  it.effect("lists one check per content kind, the mappings and the secrets check", () =>
    Effect.gen(function*() {
      const names = (yield* ChannelConformance.checks(base)).map((check) => check.name)
      assert.deepStrictEqual(names, [
        "declares consistent capabilities",
        "Text: validates without I/O, sends, and returns a receipt for the message",
        "Image: validates without I/O, sends, and returns a receipt for the message",
        "Audio: refused with UnsupportedContent before any I/O",
        "Video: refused with UnsupportedContent before any I/O",
        "File: refused with UnsupportedContent before any I/O",
        "Template: refused with UnsupportedContent before any I/O",
        "Custom: refused with UnsupportedContent before any I/O",
        "Binary: validates without I/O, sends, and returns a receipt for the message",
        "Text over maxTextLength (1600): refused with InvalidMessage before any I/O",
        "a recipient without a usable phone address: Unaddressable before any I/O",
        "HTTP 429 with Retry-After: 7 → RateLimited with retryAfterMillis 7000",
        "HTTP 500, 502 and 503 → ProviderUnavailable",
        "HTTP 401 → AuthenticationFailed",
        "a transport error → ProviderUnavailable",
        "a provider that never answers → ProviderUnavailable after the timeout (10s)",
        "never reveals a secret in errors, receipts, logs or spans"
      ])
    }))

  it.effect("passes the reference channel, every check", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(base)
      assert.deepStrictEqual(failed(results), [])
      assert.strictEqual(results.length, 17)
    }))

  it.effect("passes the reference channel against the in-memory provider's real API", () =>
    Effect.gen(function*() {
      const provider = yield* InMemoryProvider.make({ apiKey })
      const results = yield* runChecks({ ...base, accept: provider.handler })
      assert.deepStrictEqual(failed(results), [])
      // the provider really received the sends
      assert.isAbove((yield* provider.sent).length, 0)
    }))

  it.effect("fails a channel that does I/O before checking content and address", () =>
    Effect.gen(function*() {
      const results = yield* runChecks({
        ...base,
        channel: broken((inner, http) => ({
          ...inner,
          send: (message) =>
            http.get(`${baseUrl}/v1/quota`).pipe(
              Effect.orElse(() => Effect.void),
              Effect.zipRight(inner.send(message))
            )
        }))
      })
      assert.deepStrictEqual(failed(results), [
        "Audio: refused with UnsupportedContent before any I/O",
        "Video: refused with UnsupportedContent before any I/O",
        "File: refused with UnsupportedContent before any I/O",
        "Template: refused with UnsupportedContent before any I/O",
        "Custom: refused with UnsupportedContent before any I/O",
        "Text over maxTextLength (1600): refused with InvalidMessage before any I/O",
        "a recipient without a usable phone address: Unaddressable before any I/O"
      ])
      assert.include(failureOf(results, "Audio"), "made 1 HTTP request(s) (GET https://api.inmemory.test/v1/quota)")
    }))

  it.effect("fails a channel whose validate does I/O", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(
        {
          ...base,
          channel: broken((inner, http) => ({
            ...inner,
            validate: (message) =>
              http.get(`${baseUrl}/v1/lookup`).pipe(
                Effect.orElse(() => Effect.void),
                Effect.zipRight(inner.validate(message))
              )
          }))
        },
        (name) => name.startsWith("Text:") || name.startsWith("Audio:")
      )
      assert.include(failureOf(results, "Text:"), "validate: the channel made 1 HTTP request(s)")
      assert.include(failureOf(results, "Audio:"), "validate: the channel made 1 HTTP request(s)")
    }))

  it.effect("fails a channel that leaks its secret in an error message, naming where", () =>
    Effect.gen(function*() {
      const results = yield* runChecks({
        ...base,
        channel: broken((inner) => ({
          ...inner,
          send: (message) =>
            inner.send(message).pipe(
              Effect.mapError((error) =>
                error._tag === "AuthenticationFailed"
                  ? new ChannelError.AuthenticationFailed({
                    channel: error.channel,
                    message: `the provider refused the key ${apiKey}`
                  })
                  : error
              )
            )
        }))
      })
      assert.deepStrictEqual(failed(results), ["never reveals a secret in errors, receipts, logs or spans"])
      const failure = failureOf(results, secretsCheck)
      assert.include(failure, "secret #1 appears in HTTP 401: Cause.pretty")
      assert.include(failure, "HTTP 401: error.message")
      assert.include(failure, "HTTP 401: the error encoded with the ChannelError schema")
      // the report itself never prints the secret
      for (const result of results) assert.notInclude(result.failure ?? "", apiKey)
    }))

  it.effect("fails a channel that leaks its secret in providerText only (JSON and schema encoding)", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(
        {
          ...base,
          channel: broken((inner) => ({
            ...inner,
            send: (message) =>
              inner.send(message).pipe(
                Effect.mapError((error) =>
                  error._tag === "RateLimited"
                    ? new ChannelError.RateLimited({
                      channel: error.channel,
                      message: error.message,
                      retryAfterMillis: error.retryAfterMillis ?? 0,
                      providerText: `throttled key=${apiKey}`
                    })
                    : error
                )
              )
          }))
        },
        (name) => name.startsWith(secretsCheck)
      )
      const failure = failureOf(results, secretsCheck)
      assert.include(failure, "HTTP 429: the error as JSON")
      assert.include(failure, "HTTP 429: the error encoded with the ChannelError schema")
      assert.notInclude(failure, "HTTP 429: error.message")
    }))

  it.effect("fails a channel that logs its secret at debug level", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(
        {
          ...base,
          channel: broken((inner) => ({
            ...inner,
            send: (message) => Effect.zipRight(Effect.logDebug(`calling the provider with ${apiKey}`), inner.send(message))
          }))
        },
        (name) => name.startsWith(secretsCheck)
      )
      assert.include(failureOf(results, secretsCheck), "sending Text: the log output")
    }))

  it.effect("fails a channel that puts its secret on a tracing span", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(
        {
          ...base,
          channel: broken((inner) => ({
            ...inner,
            send: (message) =>
              inner.send(message).pipe(
                Effect.tap(() => Effect.annotateCurrentSpan("provider.key", apiKey)),
                Effect.withSpan("Leaky.send")
              )
          }))
        },
        (name) => name.startsWith(secretsCheck)
      )
      assert.include(failureOf(results, secretsCheck), `sending Text: span "Leaky.send"`)
    }))

  it.effect("fails a channel that maps 429 to ProviderUnavailable", () =>
    Effect.gen(function*() {
      const results = yield* runChecks({
        ...base,
        channel: broken((inner) => ({
          ...inner,
          send: (message) =>
            inner.send(message).pipe(
              Effect.mapError((error) =>
                error._tag === "RateLimited"
                  ? new ChannelError.ProviderUnavailable({ channel: error.channel, message: "try again later" })
                  : error
              )
            )
        }))
      })
      assert.deepStrictEqual(failed(results), ["HTTP 429 with Retry-After: 7 → RateLimited with retryAfterMillis 7000"])
      assert.include(
        failureOf(results, "HTTP 429"),
        "expected RateLimited, got ProviderUnavailable: try again later"
      )
    }))

  it.effect("fails a channel that drops Retry-After", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(
        {
          ...base,
          channel: broken((inner) => ({
            ...inner,
            send: (message) =>
              inner.send(message).pipe(
                Effect.mapError((error) =>
                  error._tag === "RateLimited"
                    ? new ChannelError.RateLimited({ channel: error.channel, message: error.message })
                    : error
                )
              )
          }))
        },
        (name) => name.startsWith("HTTP 429")
      )
      assert.include(failureOf(results, "HTTP 429"), "retryAfterMillis is undefined, expected 7000")
    }))

  it.effect("fails a channel that maps 401, 5xx and transport errors wrongly", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(
        {
          ...base,
          channel: broken((inner) => ({
            ...inner,
            send: (message) =>
              inner.send(message).pipe(
                Effect.mapError((error) =>
                  error._tag === "AuthenticationFailed" || error._tag === "ProviderUnavailable"
                    ? new ChannelError.Rejected({ channel: error.channel, message: "refused", rejection: "Other" })
                    : error
                )
              )
          }))
        },
        (name) => name.startsWith("HTTP 401") || name.startsWith("HTTP 500") || name.startsWith("a transport")
      )
      assert.include(failureOf(results, "HTTP 401"), "expected AuthenticationFailed, got Rejected")
      assert.include(failureOf(results, "HTTP 500"), "HTTP 500: expected ProviderUnavailable, got Rejected")
      assert.include(failureOf(results, "a transport"), "expected ProviderUnavailable, got Rejected")
    }))

  it.effect("fails a channel whose errors name another channel", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(
        {
          ...base,
          channel: broken((inner) => ({
            ...inner,
            send: (message) =>
              inner.send(message).pipe(
                Effect.mapError((error) =>
                  error._tag === "AuthenticationFailed"
                    ? new ChannelError.AuthenticationFailed({ channel: "core", message: error.message })
                    : error
                )
              )
          }))
        },
        (name) => name.startsWith("HTTP 401")
      )
      assert.include(failureOf(results, "HTTP 401"), `names channel "core", not "sms.inmemory"`)
    }))

  it.effect("fails a channel whose receipt is for another message", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(
        {
          ...base,
          channel: broken((inner) => ({
            ...inner,
            send: (message) =>
              inner.send(message).pipe(
                Effect.map((receipt) =>
                  new Receipt.Receipt({ ...receipt, messageId: Schema.decodeSync(Message.MessageId)("someone-else") })
                )
              )
          }))
        },
        (name) => name.startsWith("Text:")
      )
      assert.include(failureOf(results, "Text:"), `the receipt's messageId is "someone-else"`)
    }))

  it.effect("fails a channel that answers without calling the provider", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(
        {
          ...base,
          channel: broken((inner) => ({
            ...inner,
            send: (message) =>
              Effect.zipRight(
                inner.validate(message),
                Effect.map(DateTime.now, (acceptedAt) =>
                  new Receipt.Receipt({
                    channel: inner.id,
                    messageId: message.id,
                    providerMessageIds: ["fake-1"],
                    parts: 1,
                    acceptedAt
                  }))
              )
          }))
        },
        (name) => name.startsWith("Text:") || name.startsWith("a provider that never answers")
      )
      assert.include(failureOf(results, "Text:"), "the channel sent no request the suite recognizes as a send")
      // the timeout check does not wait for a send that never comes
      assert.include(
        failureOf(results, "a provider that never answers"),
        "no answer: the channel sent no request the suite recognizes as a send"
      )
    }))

  it.effect("fails a channel with no timeout when the provider never answers", () =>
    Effect.gen(function*() {
      // the suite is told 10 s, the client waits 10 minutes
      const results = yield* runChecks(
        {
          ...base,
          channel: InMemoryChannel.make().pipe(Effect.provide(client({ timeout: "10 minutes" }))),
          stuckAfter: "2 seconds"
        },
        (name) => name.startsWith("a provider that never answers")
      )
      assert.include(failureOf(results, "a provider that never answers"), "the channel did not finish")
    }))

  it.effect("reports a channel built with a retry policy as waiting on the clock", () =>
    Effect.gen(function*() {
      const results = yield* runChecks(
        {
          ...base,
          channel: InMemoryChannel.make({ retry: { attempts: 3, initialDelay: "1 second" } }).pipe(
            Effect.provide(client())
          ),
          stuckAfter: "2 seconds"
        },
        (name) => name.startsWith("HTTP 429")
      )
      const failure = failureOf(results, "HTTP 429")
      assert.include(failure, "the channel did not finish (requests so far: POST https://api.inmemory.test/v1/messages)")
      assert.include(failure, "build the channel without a retry policy")
    }))

  it.effect("fails a channel whose capabilities do not fit the recipient or its id", () =>
    Effect.gen(function*() {
      const wrongAddress = yield* runChecks(
        { ...base, channel: InMemoryChannel.make({ address: "messenger" }).pipe(Effect.provide(client())) },
        (name) => name === "declares consistent capabilities"
      )
      assert.include(failureOf(wrongAddress, "declares"), "the recipient given to the suite has no messenger address")
      const wrongId = yield* runChecks(
        { ...base, channel: broken((inner) => ({ ...inner, id: "sms.other" })) },
        (name) => name === "declares consistent capabilities"
      )
      assert.include(failureOf(wrongId, "declares"), `the channel's id "sms.other" is not its capabilities' id`)
    }))

  it.effect("refuses to run the secrets check without long enough secrets", () =>
    Effect.gen(function*() {
      const none = yield* runChecks({ ...base, secrets: [] }, (name) => name.startsWith(secretsCheck))
      assert.include(failureOf(none, secretsCheck), "no secrets were given")
      const short = yield* runChecks({ ...base, secrets: [apiKey, Redacted.make("abc")] }, (name) =>
        name.startsWith(secretsCheck))
      assert.include(failureOf(short, secretsCheck), "secret #2 is shorter than 8 characters")
    }))

  it.effect("checks additional unaddressable recipients the adapter gives", () =>
    Effect.gen(function*() {
      // the reference channel can address any phone number, so a recipient with one must fail the check
      const results = yield* runChecks(
        { ...base, unaddressable: [Recipient.make({ phone: Schema.decodeSync(Phone.E164)("+14155550123") })] },
        (name) => name.startsWith("a recipient without")
      )
      assert.include(failureOf(results, "a recipient without"), "unaddressable recipient #1: expected Unaddressable")
    }))

  it.effect("reports a channel that cannot be built as one failing check", () =>
    Effect.gen(function*() {
      const list = yield* ChannelConformance.checks({
        ...base,
        channel: Effect.fail(new Error(`missing configuration (key ${apiKey})`))
      })
      assert.deepStrictEqual(list.map((check) => check.name), ["builds the channel"])
      const failure = yield* Effect.flip(list[0]!.run)
      assert.include(failure.message, "the channel could not be built")
      assert.include(failure.message, "missing configuration (key <secret>)")
      assert.notInclude(failure.message, apiKey)
    }))

  it.effect("uses the adapter's own failure bodies and answers non-send requests with accept", () =>
    Effect.gen(function*() {
      // an adapter that fetches a token first: only sends get the failure
      const paths: Array<string> = []
      const results = yield* runChecks(
        {
          ...base,
          channel: broken((inner, http) => ({
            ...inner,
            send: (message) =>
              http.post(`${baseUrl}/oauth/token`).pipe(
                Effect.flatMap((response) =>
                  response.status === 200
                    ? Effect.void
                    : Effect.fail(new ChannelError.AuthenticationFailed({ channel: inner.id, message: "no token" }))
                ),
                Effect.catchTag("RequestError", () =>
                  Effect.fail(new ChannelError.ProviderUnavailable({ channel: inner.id, message: "no token" }))),
                Effect.catchTag("ResponseError", () =>
                  Effect.fail(new ChannelError.ProviderUnavailable({ channel: inner.id, message: "no token" }))),
                Effect.zipRight(inner.send(message))
              )
          })),
          accept: (request) => {
            paths.push(request.path)
            return request.path === "/oauth/token"
              ? MockHttpClient.json({ access_token: "t" })
              : base.accept(request)
          },
          failures: {
            unauthorized: MockHttpClient.json({ error: { code: "unauthorized", message: "bad key" } }, { status: 401 })
          }
        },
        (name) => name.startsWith("HTTP 401") || name.startsWith("HTTP 429")
      )
      assert.deepStrictEqual(failed(results), [])
      assert.include(paths, "/oauth/token")
    }))
})
