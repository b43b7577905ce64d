/**
 * The conformance suite every channel adapter runs: it proves the adapter keeps the `Channel` contract of
 * `@switchboard/core` against a fake transport (`MockHttpClient`), whatever provider it speaks to.
 *
 * What it checks (each is one test):
 * - **capabilities**: the channel's id is its capabilities' id, it sends at least one outbound kind, and the
 *   recipient you gave has the address it needs;
 * - **every content kind** (`Text`, `Image`, `Audio`, `Video`, `File`, `Template`, `Custom`, `Binary`):
 *   a kind the capabilities claim is validated without I/O, sent, and answered with a `Receipt` whose
 *   `messageId` is the message's, whose `channel` is the channel's, with at least one provider message id;
 *   a kind they do not claim is refused with `UnsupportedContent` (naming the kind) **before any I/O**, by
 *   `send` and by `validate`;
 * - **text limit** (when it claims `Text` and declares `maxTextLength`): a longer text is refused with
 *   `InvalidMessage` before any I/O;
 * - **addressing**: a recipient without the address the channel needs (one is derived from the capabilities;
 *   you can add your own, e.g. a number outside the provider's coverage) fails with `Unaddressable` before
 *   any I/O;
 * - **error mapping**: HTTP 429 with `Retry-After: 7` → `RateLimited` with `retryAfterMillis` 7000; HTTP
 *   500, 502 and 503 → `ProviderUnavailable`; HTTP 401 → `AuthenticationFailed`; a transport error →
 *   `ProviderUnavailable`; and, when you give the adapter's `timeout`, a provider that never answers →
 *   `ProviderUnavailable` once the timeout has elapsed (on the `TestClock`). Every error names the channel;
 * - **secrets**: none of the secret values the adapter was configured with appears in any error (`message`,
 *   `toString()`, `String(error)`, JSON, the `ChannelError` schema's encoding, the stack), any `Cause`
 *   (`Cause.pretty`, `String`, JSON), any receipt, the channel object, any log line (logs are captured at
 *   every level, debug included) or any tracing span (name, attributes, events, end status), across every
 *   scenario above.
 *
 * What you supply (`Options`):
 * - `channel`: an Effect that builds your channel, given an `HttpClient` (the suite provides the fake) and a
 *   `Scope`. Build it **without a retry policy**: the suite checks how one answer is mapped, with the clock
 *   stopped, and reports a channel that waits on the clock (other than the timeout check) as a failure;
 * - `accept`: how the provider answers when it accepts a message (a `MockHttpClient.Handler`: a canned
 *   success body, or one computed from the request; it also answers any other request your channel makes,
 *   such as a token request);
 * - `isSend` (optional): which requests are sends; the failure scenarios answer those with the failure and
 *   every other request with `accept` (so a token endpoint keeps working while the send gets a 429);
 * - `failures` (optional): the provider's own error bodies for 429 / 5xx / 401, if your adapter reads them
 *   (the default bodies are small JSON documents; the 429 always needs its `Retry-After` header unless your
 *   provider says the delay another way and your adapter reads that);
 * - `recipient` (with the address the channel needs), `unaddressable` (optional extra recipients it must
 *   refuse), `sender` (optional), `samples` (optional content per kind, e.g. the `Custom` payload your
 *   adapter documents);
 * - `secrets`: the secret values (API keys, passwords, private keys, tokens) the channel was configured
 *   with, as strings or `Redacted`, 8 characters or more. Use distinctive values.
 *
 * `run` registers the suite with vitest (`describe` + one test per check). `checks` returns the same
 * checks as plain Effects (`Check.run` fails with `ConformanceFailure`), which is how the suite's own tests
 * prove that broken channels fail it.
 *
 * @example
 * ```ts
 * // test/AcmeSmsChannel.conformance.test.ts
 * import { Phone, Recipient } from "@switchboard/core"
 * import { ChannelConformance, MockHttpClient } from "@switchboard/testing"
 * import { Effect, Redacted, Schema } from "effect"
 * import * as AcmeSmsChannel from "../src/AcmeSmsChannel.js"
 * import * as AcmeSmsClient from "../src/AcmeSmsClient.js"
 *
 * const apiKey = "acme-test-key-3f9a27c1" // a distinctive value, so a leak cannot be missed
 *
 * ChannelConformance.run({
 *   name: "AcmeSmsChannel",
 *   // built without a retry policy; the suite provides the HttpClient
 *   channel: AcmeSmsChannel.make().pipe(
 *     Effect.provide(AcmeSmsClient.layer({ baseUrl: "https://api.acme.test", apiKey: Redacted.make(apiKey) }))
 *   ),
 *   // what Acme answers when it accepts a message
 *   accept: () => MockHttpClient.json({ message_id: "acme-1", parts: 1 }, { status: 201 }),
 *   isSend: (request) => request.method === "POST" && request.path === "/v1/sms",
 *   recipient: Recipient.make({ phone: Schema.decodeSync(Phone.E164)("+31612345678") }),
 *   secrets: [apiKey],
 *   timeout: "30 seconds" // the client's request timeout, if it has one
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as EffectVitest from "@effect/vitest"
import { type Channel, ChannelError, Content, Message, Phone, type Receipt, Recipient } from "@switchboard/core"
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import * as TestServices from "effect/TestServices"
import * as Tracer from "effect/Tracer"
import * as MockHttpClient from "./MockHttpClient.js"

// vitest refuses to be imported outside its runner; loading it lazily keeps this module (and the package's
// index) importable anywhere, e.g. by an app that uses `MockHttpClient` or `InMemoryChannel` outside tests.
const vitest: typeof EffectVitest | undefined = await import("@effect/vitest").then(
  (module) => module,
  () => undefined
)

// ---------------------------------------------------------------------------------------------------------
// models
// ---------------------------------------------------------------------------------------------------------

/**
 * The content kinds a message can carry outbound.
 *
 * @since 0.1.0
 * @category models
 */
export type OutboundKind = Content.Outbound["_tag"]

/**
 * Every outbound content kind, in the order the suite checks them.
 *
 * @since 0.1.0
 * @category constants
 */
export const outboundKinds: ReadonlyArray<OutboundKind> = [
  "Text",
  "Image",
  "Audio",
  "Video",
  "File",
  "Template",
  "Custom",
  "Binary"
]

/**
 * A sample content per kind.
 *
 * @since 0.1.0
 * @category models
 */
export type Samples = { readonly [K in OutboundKind]: Extract<Content.Outbound, { readonly _tag: K }> }

/**
 * The samples the suite sends unless you give your own.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultSamples: Samples = {
  Text: Content.text("Switchboard conformance: your code is 123456"),
  Image: Content.image("https://example.com/conformance/image.jpg", { caption: "Conformance image" }),
  Audio: Content.audio("https://example.com/conformance/audio.mp3"),
  Video: Content.video("https://example.com/conformance/video.mp4", { caption: "Conformance video" }),
  File: Content.file("https://example.com/conformance/file.pdf", { name: "conformance.pdf" }),
  Template: Content.template("conformance_template", ["Alice", "10:30"], { locale: "en_GB", policy: "deterministic" }),
  Custom: Content.custom({ type: "text", text: { body: "Switchboard conformance" } }),
  Binary: Content.binary("48656c6c6f", { udh: "0605040b8423f0" })
}

/**
 * The provider's own answers for the failure scenarios, when your adapter reads their bodies.
 *
 * @since 0.1.0
 * @category models
 */
export interface Failures {
  /** HTTP 429; the default has `Retry-After: <seconds>` and a small JSON body. */
  readonly rateLimited?: ((retryAfterSeconds: number) => MockHttpClient.Outcome) | undefined
  /** HTTP 5xx for `status` (500, 502, 503). */
  readonly unavailable?: ((status: number) => MockHttpClient.Outcome) | undefined
  /** HTTP 401. */
  readonly unauthorized?: MockHttpClient.Outcome | undefined
}

/**
 * What an adapter gives the suite (see the module's description).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The name of the `describe` block. */
  readonly name: string
  /** Builds the channel; the suite provides `HttpClient.HttpClient` (the fake) and a `Scope`. */
  readonly channel: Effect.Effect<Channel.Channel, unknown, HttpClient.HttpClient | Scope.Scope>
  /** How the provider answers when all is well (sends, and any other request the channel makes). */
  readonly accept: MockHttpClient.Handler
  /** Which requests are sends (all, by default). */
  readonly isSend?: ((request: MockHttpClient.RecordedRequest) => boolean) | undefined
  /** A recipient with the address the channel needs. */
  readonly recipient: Recipient.Recipient
  /** More recipients the channel must refuse with `Unaddressable` (one without the address is derived). */
  readonly unaddressable?: ReadonlyArray<Recipient.Recipient> | undefined
  /** The sender of the test messages, if the channel needs one. */
  readonly sender?: string | undefined
  /** The secret values the channel was configured with (8 characters or more each). */
  readonly secrets: ReadonlyArray<string | Redacted.Redacted>
  /** Content to send per kind instead of `defaultSamples`. */
  readonly samples?: Partial<Samples> | undefined
  /** The provider's own failure answers. */
  readonly failures?: Failures | undefined
  /** The adapter's request timeout: enables the check that a provider that never answers is reported. */
  readonly timeout?: Duration.DurationInput | undefined
  /**
   * How long, in real time, one send may take with the clock stopped before the suite reports the channel
   * as stuck; `stuckAfter` (10 seconds) by default.
   */
  readonly stuckAfter?: Duration.DurationInput | undefined
}

/**
 * A check that did not pass.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConformanceFailure extends Schema.TaggedError<ConformanceFailure>(
  "@switchboard/testing/ChannelConformance/ConformanceFailure"
)("ConformanceFailure", {
  /** The name of the check. */
  check: Schema.String,
  message: Schema.String
}) {}

/**
 * One check of the suite, as a plain Effect. It provides its own `TestContext` (the clock stands still
 * unless the check moves it), so it runs the same inside `it.effect` or anywhere else.
 *
 * @since 0.1.0
 * @category models
 */
export interface Check {
  readonly name: string
  readonly run: Effect.Effect<void, ConformanceFailure>
}

/**
 * The `Retry-After` (in seconds) the rate-limit scenario answers with.
 *
 * @since 0.1.0
 * @category constants
 */
export const retryAfterSeconds = 7

/**
 * The shortest secret the suite accepts: a shorter one could appear in output by chance.
 *
 * @since 0.1.0
 * @category constants
 */
export const minimumSecretLength = 8

/**
 * How long (in real time) a send may take with the clock stopped before the suite reports it as stuck.
 * Sends against the fake transport finish in milliseconds; only a channel waiting on the clock gets here.
 *
 * @since 0.1.0
 * @category constants
 */
export const stuckAfter: Duration.Duration = Duration.seconds(10)

// ---------------------------------------------------------------------------------------------------------
// observing a channel
// ---------------------------------------------------------------------------------------------------------

interface SpanRecord {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<string>
  ended: string
}

interface Observation {
  readonly exit: Exit.Exit<unknown, ChannelError.ChannelError>
  /** Requests made by the action (construction's requests are not counted). */
  readonly requests: ReadonlyArray<MockHttpClient.RecordedRequest>
  readonly logs: ReadonlyArray<string>
  readonly spans: ReadonlyArray<SpanRecord>
  readonly channel: Channel.Channel
}

const safe = (f: () => unknown): string => {
  try {
    const out = f()
    return typeof out === "string" ? out : String(out)
  } catch (error) {
    return `(could not render: ${error instanceof Error ? error.message : String(error)})`
  }
}

const captureLogger = (sink: Array<string>) =>
  Logger.make((options) => {
    sink.push(safe(() => Logger.logfmtLogger.log(options)))
    sink.push(safe(() => Logger.stringLogger.log(options)))
    if (!Cause.isEmpty(options.cause)) sink.push(safe(() => Cause.pretty(options.cause, { renderErrorCause: true })))
  })

let spanCounter = 0

const recordingTracer = (sink: Array<SpanRecord>): Tracer.Tracer =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const record: SpanRecord = { name, attributes: new Map(), events: [], ended: "" }
      for (const [key, value] of Object.entries(options?.attributes ?? {})) record.attributes.set(key, value)
      sink.push(record)
      spanCounter += 1
      const id = spanCounter.toString(16).padStart(16, "0")
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: id,
        traceId: Option.match(parent, { onNone: () => id.padStart(32, "0"), onSome: (p) => p.traceId }),
        parent,
        context,
        get status() {
          return status
        },
        attributes: record.attributes,
        links: [...links],
        sampled: true,
        kind,
        end: (endTime, exit) => {
          status = { _tag: "Ended", startTime, endTime, exit }
          record.ended = Exit.isFailure(exit) ? safe(() => Cause.pretty(exit.cause, { renderErrorCause: true })) : ""
        },
        attribute: (key, value) => {
          record.attributes.set(key, value)
        },
        event: (eventName, _startTime, attributes) => {
          record.events.push(`${eventName} ${safe(() => JSON.stringify(attributes ?? {}))}`)
        },
        addLinks: () => {}
      }
      return span
    },
    context: (f) => f()
  })

const renderSpan = (span: SpanRecord): string =>
  [
    span.name,
    ...[...span.attributes].map(([key, value]) =>
      `${key}=${typeof value === "string" ? value : safe(() => JSON.stringify(value))}`
    ),
    ...span.events,
    span.ended
  ].join("\n")

/** Waits with the real clock, so a channel stuck on the stopped test clock is reported. */
const awaitLive = <A, E>(options: Options, effect: Effect.Effect<A, E>) =>
  TestServices.provideLive(Effect.timeoutOption(effect, options.stuckAfter ?? stuckAfter))

const secretValues = (options: Options): ReadonlyArray<string> =>
  options.secrets.map((secret) => (Redacted.isRedacted(secret) ? String(Redacted.value(secret)) : secret))

/** Removes secrets from text the suite is about to print. */
const scrub = (options: Options, text: string): string =>
  secretValues(options).reduce(
    (out, secret) => (secret.length === 0 ? out : out.split(secret).join("<secret>")),
    text
  )

const describeExit = (options: Options, exit: Exit.Exit<unknown, ChannelError.ChannelError>): string =>
  scrub(
    options,
    Exit.match(exit, {
      onSuccess: (value) =>
        typeof value === "string" ? `success (address "${value}")` : `a receipt ${safe(() => JSON.stringify(value))}`,
      onFailure: (cause) =>
        Option.match(Cause.failureOption(cause), {
          onSome: (error) => `${error._tag}: ${error.message}`,
          onNone: () =>
            Cause.isInterruptedOnly(cause)
              ? "an interruption"
              : `a defect: ${safe(() => Cause.pretty(cause)).split("\n").slice(0, 3).join(" ")}`
        })
    })
  )

const describeRequests = (requests: ReadonlyArray<MockHttpClient.RecordedRequest>): string =>
  requests.map((request) => `${request.method} ${request.url.split("?")[0]}`).join(", ")

interface Scenario {
  /** How the transport answers. */
  readonly handler: MockHttpClient.Handler
  /** What to do with the channel. */
  readonly action: (channel: Channel.Channel) => Effect.Effect<unknown, ChannelError.ChannelError>
  /** Run once the action is under way (the timeout scenario moves the clock here). */
  readonly during?:
    | ((reached: Deferred.Deferred<void>, action: Fiber.Fiber<unknown, unknown>) => Effect.Effect<void>)
    | undefined
}

const observe = (
  options: Options,
  check: string,
  scenario: (reached: Deferred.Deferred<void>) => Scenario
): Effect.Effect<Observation, ConformanceFailure> => {
  const logs: Array<string> = []
  const spans: Array<SpanRecord> = []
  return Effect.gen(function*() {
    const reached = yield* Deferred.make<void>()
    const { action, during, handler } = scenario(reached)
    const mock = yield* MockHttpClient.make(handler)
    const channel = yield* options.channel.pipe(
      Effect.provideService(HttpClient.HttpClient, mock.client),
      Effect.catchAllCause((cause) =>
        new ConformanceFailure({
          check,
          message: scrub(options, `the channel could not be built: ${safe(() => Cause.pretty(cause))}`)
        })
      )
    )
    yield* mock.clear
    const fiber = yield* Effect.fork(action(channel))
    if (during !== undefined) yield* during(reached, fiber)
    const done = yield* awaitLive(options, Fiber.await(fiber))
    if (Option.isNone(done)) {
      yield* Fiber.interrupt(fiber)
      return yield* new ConformanceFailure({
        check,
        message: `the channel did not finish (requests so far: ${
          describeRequests(yield* mock.requests) || "none"
        }); it is waiting on the clock, which stands still in this suite: build the channel without a retry ` +
          `policy, and give the suite its \`timeout\` if it has one`
      })
    }
    const requests = yield* mock.requests
    return { exit: done.value, requests, logs, spans, channel }
  }).pipe(
    Effect.scoped,
    Effect.provide(Logger.add(captureLogger(logs))),
    Logger.withMinimumLogLevel(LogLevel.All),
    Effect.withTracer(recordingTracer(spans)),
    Effect.withTracerEnabled(true)
  )
}

const fail = (check: string, message: string) => new ConformanceFailure({ check, message })

// ---------------------------------------------------------------------------------------------------------
// scenarios
// ---------------------------------------------------------------------------------------------------------

const messageId = Schema.decodeSync(Message.MessageId)

const makeMessage = (
  options: Options,
  id: string,
  content: Content.Outbound,
  recipient: Recipient.Recipient = options.recipient
) =>
  Message.make({
    id: messageId(id),
    recipient,
    content,
    ...(options.sender === undefined ? {} : { sender: options.sender })
  })

const sampleOf = (options: Options, kind: OutboundKind): Content.Outbound => options.samples?.[kind] ?? defaultSamples[kind]

const isSendOf = (options: Options) => options.isSend ?? (() => true)

/** Answers sends with `outcome` and every other request with `accept`. */
const failSends = (options: Options, outcome: MockHttpClient.Outcome): MockHttpClient.Handler => (request) =>
  isSendOf(options)(request) ? outcome : options.accept(request)

const rateLimitedOutcome = (options: Options) =>
  options.failures?.rateLimited?.(retryAfterSeconds) ??
    MockHttpClient.json(
      { error: "rate_limited", message: "Too many requests" },
      { status: 429, headers: { "retry-after": String(retryAfterSeconds) } }
    )

const unavailableOutcome = (options: Options, status: number) =>
  options.failures?.unavailable?.(status) ??
    MockHttpClient.json({ error: "unavailable", message: "The service is unavailable" }, { status })

const unauthorizedOutcome = (options: Options) =>
  options.failures?.unauthorized ??
    MockHttpClient.json({ error: "unauthorized", message: "Invalid credentials" }, { status: 401 })

/** A recipient with every address except the one the channel needs. */
const withoutAddress = (address: Recipient.AddressKind): Recipient.Recipient =>
  Recipient.make({
    ...(address === "phone" ? {} : { phone: Schema.decodeSync(Phone.E164)("+447700900123") }),
    ...(address === "messenger" ? {} : { messengerId: "conformance-psid-0001" }),
    ...(address === "viber" ? {} : { viberId: "conformance-viber-0001" })
  })

const send = (options: Options, check: string, handler: MockHttpClient.Handler, message: Message.Message) =>
  observe(options, check, () => ({ handler, action: (channel) => channel.send(message) }))

const validate = (options: Options, check: string, message: Message.Message) =>
  observe(options, check, () => ({ handler: options.accept, action: (channel) => channel.validate(message) }))

const expectFailure = <Tag extends ChannelError.Reason>(
  options: Options,
  check: string,
  observation: Observation,
  tag: Tag,
  what: string
): Effect.Effect<Extract<ChannelError.ChannelError, { readonly _tag: Tag }>, ConformanceFailure> => {
  const error = Exit.isFailure(observation.exit) ? Cause.failureOption(observation.exit.cause) : Option.none()
  if (Option.isNone(error) || error.value._tag !== tag) {
    return Effect.fail(fail(check, `${what}: expected ${tag}, got ${describeExit(options, observation.exit)}`))
  }
  if (error.value.channel !== observation.channel.id) {
    return Effect.fail(
      fail(check, `${what}: the ${tag} error names channel "${error.value.channel}", not "${observation.channel.id}"`)
    )
  }
  return Effect.succeed(error.value as Extract<ChannelError.ChannelError, { readonly _tag: Tag }>)
}

const expectNoIo = (check: string, observation: Observation, what: string) =>
  observation.requests.length === 0
    ? Effect.void
    : Effect.fail(
      fail(
        check,
        `${what}: the channel made ${observation.requests.length} HTTP request(s) (${
          describeRequests(observation.requests)
        }) before refusing; it must decide without I/O`
      )
    )

const expectSendAttempted = (options: Options, check: string, observation: Observation, what: string) =>
  observation.requests.some(isSendOf(options))
    ? Effect.void
    : Effect.fail(
      fail(
        check,
        `${what}: the channel sent no request the suite recognizes as a send (requests: ${
          describeRequests(observation.requests) || "none"
        }); does it use the HttpClient it is given, and does \`isSend\` match its send requests?`
      )
    )

// ---------------------------------------------------------------------------------------------------------
// checks
// ---------------------------------------------------------------------------------------------------------

const capabilitiesCheck = (options: Options, channel: Channel.Channel): Check => {
  const name = "declares consistent capabilities"
  return {
    name,
    run: Effect.gen(function*() {
      const caps = channel.capabilities
      if (channel.id !== caps.channel) {
        return yield* fail(name, `the channel's id "${channel.id}" is not its capabilities' id "${caps.channel}"`)
      }
      if (caps.outbound.length === 0) return yield* fail(name, "the capabilities claim no outbound content kind")
      const odd = caps.outbound.filter((kind) => !(outboundKinds as ReadonlyArray<string>).includes(kind))
      if (odd.length > 0) {
        return yield* fail(name, `the capabilities claim inbound-only kinds as outbound: ${odd.join(", ")}`)
      }
      if (Option.isNone(Recipient.address(options.recipient, caps.address))) {
        return yield* fail(name, `the recipient given to the suite has no ${caps.address} address, which the channel needs`)
      }
    })
  }
}

const claimedKindCheck = (options: Options, channel: Channel.Channel, kind: OutboundKind): Check => {
  const name = `${kind}: validates without I/O, sends, and returns a receipt for the message`
  return {
    name,
    run: Effect.gen(function*() {
      const message = yield* makeMessage(options, `conformance-${kind.toLowerCase()}`, sampleOf(options, kind))
      const validated = yield* validate(options, name, message)
      if (Exit.isFailure(validated.exit)) {
        return yield* fail(name, `validate refused the ${kind} sample: ${describeExit(options, validated.exit)}`)
      }
      const expectedAddress = Option.getOrUndefined(Recipient.address(options.recipient, channel.capabilities.address))
      if (validated.exit.value !== expectedAddress) {
        return yield* fail(
          name,
          scrub(options, `validate resolved the address "${validated.exit.value}", expected "${expectedAddress}"`)
        )
      }
      yield* expectNoIo(name, validated, "validate")

      const sent = yield* send(options, name, options.accept, message)
      if (Exit.isFailure(sent.exit)) {
        return yield* fail(name, `sending the ${kind} sample failed: ${describeExit(options, sent.exit)}`)
      }
      yield* expectSendAttempted(options, name, sent, `sending ${kind}`)
      const receipt = sent.exit.value as Receipt.Receipt
      if (receipt === null || typeof receipt !== "object") {
        return yield* fail(name, "send succeeded without a receipt")
      }
      if (receipt.messageId !== message.id) {
        return yield* fail(name, `the receipt's messageId is "${receipt.messageId}", not the message's "${message.id}"`)
      }
      if (receipt.channel !== channel.id) {
        return yield* fail(name, `the receipt's channel is "${receipt.channel}", not "${channel.id}"`)
      }
      const ids = Array.isArray(receipt.providerMessageIds) ? receipt.providerMessageIds : []
      if (ids.length === 0 || ids.some((id) => typeof id !== "string" || id.length === 0)) {
        return yield* fail(name, "the receipt has no provider message id (or an empty one)")
      }
      if (!Number.isInteger(receipt.parts) || receipt.parts < 1) {
        return yield* fail(name, `the receipt's part count is ${receipt.parts}`)
      }
    })
  }
}

const unclaimedKindCheck = (options: Options, kind: OutboundKind): Check => {
  const name = `${kind}: refused with UnsupportedContent before any I/O`
  return {
    name,
    run: Effect.gen(function*() {
      const message = yield* makeMessage(options, `conformance-${kind.toLowerCase()}`, sampleOf(options, kind))
      for (const [what, observation] of [
        ["send", yield* send(options, name, options.accept, message)],
        ["validate", yield* validate(options, name, message)]
      ] as const) {
        const error = yield* expectFailure(options, name, observation, "UnsupportedContent", what)
        if (error.content !== kind) {
          return yield* fail(name, `${what}: the UnsupportedContent error names "${error.content}", not "${kind}"`)
        }
        yield* expectNoIo(name, observation, what)
      }
    })
  }
}

const textLimitCheck = (options: Options, limit: number): Check => {
  const name = `Text over maxTextLength (${limit}): refused with InvalidMessage before any I/O`
  return {
    name,
    run: Effect.gen(function*() {
      const message = yield* makeMessage(options, "conformance-too-long", Content.text("x".repeat(limit + 1)))
      const observation = yield* send(options, name, options.accept, message)
      yield* expectFailure(options, name, observation, "InvalidMessage", "send")
      yield* expectNoIo(name, observation, "send")
    })
  }
}

const firstClaimed = (channel: Channel.Channel): OutboundKind =>
  channel.capabilities.outbound.includes("Text") ? "Text" : (channel.capabilities.outbound[0] as OutboundKind)

const unaddressableRecipients = (options: Options, channel: Channel.Channel) => [
  withoutAddress(channel.capabilities.address),
  ...(options.unaddressable ?? [])
]

const unaddressableCheck = (options: Options, channel: Channel.Channel): Check => {
  const address = channel.capabilities.address
  const name = `a recipient without a usable ${address} address: Unaddressable before any I/O`
  return {
    name,
    run: Effect.gen(function*() {
      const recipients = unaddressableRecipients(options, channel)
      for (const [index, recipient] of recipients.entries()) {
        const what = index === 0 ? `a recipient without a ${address} address` : `unaddressable recipient #${index}`
        const message = yield* makeMessage(
          options,
          `conformance-unaddressable-${index}`,
          sampleOf(options, firstClaimed(channel)),
          recipient
        )
        const observation = yield* send(options, name, options.accept, message)
        yield* expectFailure(options, name, observation, "Unaddressable", what)
        yield* expectNoIo(name, observation, what)
      }
    })
  }
}

const mappingMessage = (options: Options, channel: Channel.Channel, suffix: string) =>
  makeMessage(options, `conformance-${suffix}`, sampleOf(options, firstClaimed(channel)))

const rateLimitCheck = (options: Options, channel: Channel.Channel): Check => {
  const name = `HTTP 429 with Retry-After: ${retryAfterSeconds} → RateLimited with retryAfterMillis ${
    retryAfterSeconds * 1000
  }`
  return {
    name,
    run: Effect.gen(function*() {
      const message = yield* mappingMessage(options, channel, "rate-limited")
      const observation = yield* send(options, name, failSends(options, rateLimitedOutcome(options)), message)
      yield* expectSendAttempted(options, name, observation, "HTTP 429")
      const error = yield* expectFailure(options, name, observation, "RateLimited", "HTTP 429")
      if (error.retryAfterMillis !== retryAfterSeconds * 1000) {
        return yield* fail(
          name,
          `HTTP 429: retryAfterMillis is ${error.retryAfterMillis}, expected ${retryAfterSeconds * 1000} (from Retry-After)`
        )
      }
    })
  }
}

const unavailableCheck = (options: Options, channel: Channel.Channel): Check => {
  const name = "HTTP 500, 502 and 503 → ProviderUnavailable"
  return {
    name,
    run: Effect.gen(function*() {
      for (const status of [500, 502, 503]) {
        const message = yield* mappingMessage(options, channel, `unavailable-${status}`)
        const observation = yield* send(options, name, failSends(options, unavailableOutcome(options, status)), message)
        yield* expectSendAttempted(options, name, observation, `HTTP ${status}`)
        yield* expectFailure(options, name, observation, "ProviderUnavailable", `HTTP ${status}`)
      }
    })
  }
}

const unauthorizedCheck = (options: Options, channel: Channel.Channel): Check => {
  const name = "HTTP 401 → AuthenticationFailed"
  return {
    name,
    run: Effect.gen(function*() {
      const message = yield* mappingMessage(options, channel, "unauthorized")
      const observation = yield* send(options, name, failSends(options, unauthorizedOutcome(options)), message)
      yield* expectSendAttempted(options, name, observation, "HTTP 401")
      yield* expectFailure(options, name, observation, "AuthenticationFailed", "HTTP 401")
    })
  }
}

const transportCheck = (options: Options, channel: Channel.Channel): Check => {
  const name = "a transport error → ProviderUnavailable"
  return {
    name,
    run: Effect.gen(function*() {
      const message = yield* mappingMessage(options, channel, "transport")
      const observation = yield* send(
        options,
        name,
        failSends(options, MockHttpClient.transportError("connection reset by peer")),
        message
      )
      yield* expectSendAttempted(options, name, observation, "a transport error")
      yield* expectFailure(options, name, observation, "ProviderUnavailable", "a transport error")
    })
  }
}

const hangScenario = (options: Options, timeout: Duration.Duration, message: Message.Message) =>
(reached: Deferred.Deferred<void>): Scenario => ({
  handler: (request) =>
    isSendOf(options)(request) ? Effect.as(Deferred.succeed(reached, undefined), MockHttpClient.hang) : options.accept(request),
  action: (channel) => channel.send(message),
  // once the send is pending at the provider (and unless the channel gave up before sending), let the
  // adapter's timeout elapse
  during: (reached, action) =>
    Effect.gen(function*() {
      yield* awaitLive(options, Effect.raceFirst(Deferred.await(reached), Effect.asVoid(Fiber.await(action))))
      if ((yield* Deferred.isDone(reached)) && Option.isNone(yield* Fiber.poll(action))) {
        yield* TestClock.adjust(timeout)
      }
    })
})

const timeoutCheck = (options: Options, channel: Channel.Channel, timeout: Duration.Duration): Check => {
  const name = `a provider that never answers → ProviderUnavailable after the timeout (${Duration.format(timeout)})`
  return {
    name,
    run: Effect.gen(function*() {
      const message = yield* mappingMessage(options, channel, "hang")
      const observation = yield* observe(options, name, hangScenario(options, timeout, message))
      yield* expectSendAttempted(options, name, observation, "no answer")
      yield* expectFailure(options, name, observation, "ProviderUnavailable", "no answer")
    })
  }
}

const renderOutcome = (exit: Exit.Exit<unknown, ChannelError.ChannelError>): ReadonlyArray<readonly [string, string]> =>
  Exit.match(exit, {
    onSuccess: (value) => [
      ["the result (JSON)", safe(() => JSON.stringify(value))],
      ["the result (String)", safe(() => String(value))]
    ],
    onFailure: (cause) => {
      const surfaces: Array<readonly [string, string]> = [
        ["Cause.pretty", safe(() => Cause.pretty(cause, { renderErrorCause: true }))],
        ["String(cause)", safe(() => String(cause))],
        ["the cause as JSON", safe(() => JSON.stringify(cause))]
      ]
      for (const error of Cause.prettyErrors(cause)) {
        surfaces.push(["a pretty error", safe(() => `${error.message}\n${error.stack ?? ""}`)])
      }
      Option.map(Cause.failureOption(cause), (error) => {
        surfaces.push(
          ["error.message", safe(() => error.message)],
          ["error.toString()", safe(() => error.toString())],
          ["String(error)", safe(() => String(error))],
          ["the error as JSON", safe(() => JSON.stringify(error))],
          ["the error encoded with the ChannelError schema", safe(() =>
            JSON.stringify(Schema.encodeUnknownSync(ChannelError.ChannelError)(error)))],
          ["error.stack", safe(() => error.stack ?? "")]
        )
      })
      return surfaces
    }
  })

const secretsCheck = (options: Options, channel: Channel.Channel): Check => {
  const name = "never reveals a secret in errors, receipts, logs or spans"
  return {
    name,
    run: Effect.gen(function*() {
      const secrets = secretValues(options)
      if (secrets.length === 0) {
        return yield* fail(name, "no secrets were given: pass the secret values the channel was configured with")
      }
      const short = secrets.findIndex((secret) => secret.length < minimumSecretLength)
      if (short !== -1) {
        return yield* fail(
          name,
          `secret #${short + 1} is shorter than ${minimumSecretLength} characters: use a longer, distinctive test value`
        )
      }
      const scenarios: Array<readonly [string, Observation]> = []
      for (const kind of outboundKinds) {
        const message = yield* makeMessage(options, `conformance-secret-${kind.toLowerCase()}`, sampleOf(options, kind))
        scenarios.push([`sending ${kind}`, yield* send(options, name, options.accept, message)])
      }
      const message = yield* mappingMessage(options, channel, "secret")
      for (const [index, recipient] of unaddressableRecipients(options, channel).entries()) {
        const unaddressable = yield* makeMessage(
          options,
          `conformance-secret-unaddressable-${index}`,
          sampleOf(options, firstClaimed(channel)),
          recipient
        )
        scenarios.push([`unaddressable recipient #${index}`, yield* send(options, name, options.accept, unaddressable)])
      }
      const limit = channel.capabilities.maxTextLength
      if (limit !== undefined && channel.capabilities.outbound.includes("Text")) {
        const long = yield* makeMessage(options, "conformance-secret-too-long", Content.text("x".repeat(limit + 1)))
        scenarios.push(["a text over the limit", yield* send(options, name, options.accept, long)])
      }
      const failures: ReadonlyArray<readonly [string, MockHttpClient.Outcome]> = [
        ["HTTP 429", rateLimitedOutcome(options)],
        ["HTTP 500", unavailableOutcome(options, 500)],
        ["HTTP 503", unavailableOutcome(options, 503)],
        ["HTTP 401", unauthorizedOutcome(options)],
        ["a transport error", MockHttpClient.transportError("connection reset by peer")]
      ]
      for (const [what, outcome] of failures) {
        scenarios.push([what, yield* send(options, name, failSends(options, outcome), message)])
      }
      if (options.timeout !== undefined) {
        const timeout = Duration.decode(options.timeout)
        scenarios.push(["no answer", yield* observe(options, name, hangScenario(options, timeout, message))])
      }

      const surfaces: Array<readonly [string, string]> = [
        ["the channel (JSON)", safe(() => JSON.stringify(channel))],
        ["the channel (String)", safe(() => String(channel))]
      ]
      for (const [what, observation] of scenarios) {
        for (const [surface, text] of renderOutcome(observation.exit)) surfaces.push([`${what}: ${surface}`, text])
        for (const line of observation.logs) surfaces.push([`${what}: the log output`, line])
        for (const span of observation.spans) surfaces.push([`${what}: span "${span.name}"`, renderSpan(span)])
      }
      const leaks: Array<string> = []
      secrets.forEach((secret, index) => {
        const where = [...new Set(surfaces.filter(([, text]) => text.includes(secret)).map(([surface]) => surface))]
        if (where.length > 0) leaks.push(`secret #${index + 1} appears in ${where.join("; ")}`)
      })
      if (leaks.length > 0) return yield* fail(name, leaks.join("\n"))
    })
  }
}

const withTestContext = (check: Check): Check => ({
  name: check.name,
  run: Effect.provide(check.run, TestContext.TestContext)
})

/**
 * Builds the channel once (to read its capabilities) and returns the checks that apply to it. If the
 * channel cannot be built, the only check is one that fails saying why.
 *
 * @since 0.1.0
 * @category checks
 */
export const checks = (options: Options): Effect.Effect<ReadonlyArray<Check>> =>
  Effect.gen(function*() {
    const probe = yield* Effect.either(
      observe(options, "builds the channel", () => ({ handler: options.accept, action: () => Effect.void }))
    )
    if (Either.isLeft(probe)) {
      const failure = probe.left
      return [{ name: "builds the channel", run: Effect.fail(failure) }]
    }
    const channel = probe.right.channel
    const caps = channel.capabilities
    const all: Array<Check> = [capabilitiesCheck(options, channel)]
    for (const kind of outboundKinds) {
      all.push(caps.outbound.includes(kind) ? claimedKindCheck(options, channel, kind) : unclaimedKindCheck(options, kind))
    }
    if (caps.maxTextLength !== undefined && caps.outbound.includes("Text")) {
      all.push(textLimitCheck(options, caps.maxTextLength))
    }
    all.push(
      unaddressableCheck(options, channel),
      rateLimitCheck(options, channel),
      unavailableCheck(options, channel),
      unauthorizedCheck(options, channel),
      transportCheck(options, channel)
    )
    if (options.timeout !== undefined) all.push(timeoutCheck(options, channel, Duration.decode(options.timeout)))
    all.push(secretsCheck(options, channel))
    return all.map(withTestContext)
  }).pipe(Effect.provide(TestContext.TestContext))

/**
 * Registers the suite with vitest: a `describe` block named after the channel, one test per check.
 *
 * @since 0.1.0
 * @category running
 */
export const run = (options: Options): void => {
  if (vitest === undefined) {
    throw new Error(
      "ChannelConformance.run registers vitest tests: call it from a test file that vitest runs " +
        "(or run the Effects from ChannelConformance.checks yourself)"
    )
  }
  const { describe, it } = vitest
  describe(`ChannelConformance: ${options.name}`, async () => {
    const list = await Effect.runPromise(checks(options))
    for (const check of list) it.effect(check.name, () => check.run)
  })
}
