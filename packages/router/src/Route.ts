/**
 * A route: the ordered steps the router walks for one message, as data. Routes decode from JSON (a config
 * file) and are validated against the channels' capabilities before anything is sent, so a step that can
 * never succeed (`successOn: "read"` on SMS, `"delivered"` on a channel without receipts) is a configuration
 * error that names the step, not a message that silently fails at 3 a.m.
 *
 * A step is `{ channel, when?, attempts, backoff, successOn, within? }`:
 * - `channel`: the id of a channel given to the router (`whatsapp`, `sms.vonage`, …);
 * - `when`: an optional condition on the message (content kinds, an address the recipient must have, phone
 *   prefixes, metadata); a step whose condition does not hold is skipped and the log says why;
 * - `attempts`: sends in all for retryable errors (rate limits, provider outages), 1 = no retry;
 * - `backoff`: the delay before each retry, exponential from `initial` by `factor` up to `max`; a provider's
 *   retry-after is waited at least;
 * - `successOn`: what counts as success: `accepted` (the provider took it), `delivered` or `read` (a receipt
 *   reported it);
 * - `within`: how long to wait for that receipt before falling back to the next step (required for
 *   `delivered` and `read`).
 *
 * Durations are numbers of milliseconds or strings such as `"30 seconds"`, `"5 minutes"`, `"1500 millis"`.
 *
 * @example
 * ```ts
 * import { Capabilities } from "@switchboard/core"
 * import { Route } from "@switchboard/router"
 * import { Effect } from "effect"
 *
 * const whatsapp = Capabilities.make({
 *   channel: "whatsapp", outbound: ["Text"], inbound: ["Text"], address: "phone", receipts: ["delivered", "read"]
 * })
 * const sms = Capabilities.make({
 *   channel: "sms.vonage", outbound: ["Text"], inbound: ["Text"], address: "phone", receipts: ["delivered"]
 * })
 *
 * const route = Route.decodeJson(`{
 *   "name": "otp",
 *   "steps": [
 *     { "channel": "whatsapp", "successOn": "read", "within": "2 minutes" },
 *     { "channel": "sms.vonage", "attempts": 3, "backoff": { "initial": "1 second" },
 *       "successOn": "delivered", "within": "5 minutes" }
 *   ]
 * }`)
 *
 * // fails with a RouteError naming the step when a step cannot work with its channel
 * const checked = Effect.flatMap(route, (route) => Route.validate(route, [whatsapp, sms]))
 * ```
 *
 * @since 0.1.0
 */
import * as Address from "@switchboard/core/Address"
import * as Capabilities from "@switchboard/core/Capabilities"
import * as Content from "@switchboard/core/Content"
import type * as Message from "@switchboard/core/Message"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * A duration in a config file: a number of milliseconds, or a string such as `"30 seconds"` (any unit
 * Effect's `Duration` knows: millis, seconds, minutes, hours, days, weeks). Encodes as `"<n> millis"`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DurationFromInput: Schema.Schema<Duration.Duration, string | number> = Schema.transformOrFail(
  Schema.Union(Schema.String, Schema.Number),
  Schema.DurationFromSelf,
  {
    strict: true,
    decode: (input, _, ast) =>
      Option.match(
        Duration.decodeUnknown(typeof input === "number" ? Duration.millis(input) : input.trim()),
        {
          onNone: () =>
            ParseResult.fail(
              new ParseResult.Type(
                ast,
                input,
                `expected a duration such as 30000 (milliseconds) or "30 seconds", got ${JSON.stringify(input)}`
              )
            ),
          onSome: (duration) =>
            Duration.isFinite(duration) && Duration.toMillis(duration) >= 0
              ? ParseResult.succeed(duration)
              : ParseResult.fail(new ParseResult.Type(ast, input, "expected a finite, non-negative duration"))
        }
      ),
    encode: (duration) => ParseResult.succeed(`${Duration.toMillis(duration)} millis`)
  }
).annotations({ identifier: "Duration", description: "milliseconds, or a string such as \"30 seconds\"" })

/**
 * What counts as success for a step.
 *
 * @since 0.1.0
 * @category models
 */
export const SuccessOn = Schema.Literal("accepted", "delivered", "read")

/**
 * @since 0.1.0
 * @category models
 */
export type SuccessOn = typeof SuccessOn.Type

/**
 * The delay before retry `n` (1-based): `initial × factor^(n-1)`, at most `max`; a `RateLimited` error's
 * retry-after is waited at least.
 *
 * @since 0.1.0
 * @category models
 */
export class Backoff extends Schema.Class<Backoff>("@switchboard/router/Route/Backoff")({
  initial: DurationFromInput,
  factor: Schema.optionalWith(Schema.Number.pipe(Schema.greaterThanOrEqualTo(1)), { default: () => 2 }),
  max: Schema.optional(DurationFromInput)
}) {}

/**
 * The backoff used when a step gives none: 1 second, doubling, at most 1 minute.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultBackoff: Backoff = new Backoff({
  initial: Duration.seconds(1),
  factor: 2,
  max: Duration.minutes(1)
})

/**
 * A condition on the message: every field given must hold for the step to apply.
 *
 * @since 0.1.0
 * @category models
 */
export class When extends Schema.Class<When>("@switchboard/router/Route/When")({
  /** The step applies only to these content kinds. */
  content: Schema.optional(Schema.Array(Content.ContentKind)),
  /** The recipient must have this kind of address. */
  has: Schema.optional(Address.AddressKind),
  /** The recipient's phone number must start with one of these prefixes (`"+31"`, `"+316"`). */
  phonePrefix: Schema.optional(Schema.Array(Schema.String.pipe(Schema.pattern(/^\+\d+$/)))),
  /** The message's metadata must have these values. */
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
}) {}

/**
 * One step of a route.
 *
 * @since 0.1.0
 * @category models
 */
export class Step extends Schema.Class<Step>("@switchboard/router/Route/Step")({
  channel: Schema.NonEmptyTrimmedString,
  when: Schema.optional(When),
  attempts: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 100)), { default: () => 1 }),
  backoff: Schema.optionalWith(Backoff, { default: () => defaultBackoff }),
  successOn: Schema.optionalWith(SuccessOn, { default: () => "accepted" as const }),
  within: Schema.optional(DurationFromInput)
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export class Route extends Schema.Class<Route>("@switchboard/router/Route")({
  /** A name for logs and dashboards. */
  name: Schema.optional(Schema.String),
  steps: Schema.NonEmptyArray(Step)
}) {}

/**
 * What `make` accepts for a step: every field but `channel` may be left out.
 *
 * @since 0.1.0
 * @category models
 */
export interface StepInput {
  readonly channel: string
  readonly when?: {
    readonly content?: ReadonlyArray<Content.ContentKind> | undefined
    readonly has?: Address.AddressKind | undefined
    readonly phonePrefix?: ReadonlyArray<string> | undefined
    readonly metadata?: Readonly<Record<string, string>> | undefined
  } | undefined
  readonly attempts?: number | undefined
  readonly backoff?: {
    readonly initial: Duration.DurationInput
    readonly factor?: number | undefined
    readonly max?: Duration.DurationInput | undefined
  } | undefined
  readonly successOn?: SuccessOn | undefined
  readonly within?: Duration.DurationInput | undefined
}

/**
 * Builds a route from steps. Checks field ranges (an attempt count of 0 throws); checks against channels
 * happen in `validate`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  steps: readonly [StepInput, ...ReadonlyArray<StepInput>],
  options?: { readonly name?: string | undefined }
): Route =>
  new Route({
    ...(options?.name === undefined ? {} : { name: options.name }),
    steps: steps.map((step) =>
      new Step({
        channel: step.channel,
        attempts: step.attempts ?? 1,
        successOn: step.successOn ?? "accepted",
        backoff: step.backoff === undefined ? defaultBackoff : new Backoff({
          initial: Duration.decode(step.backoff.initial),
          factor: step.backoff.factor ?? 2,
          ...(step.backoff.max === undefined ? {} : { max: Duration.decode(step.backoff.max) })
        }),
        ...(step.within === undefined ? {} : { within: Duration.decode(step.within) }),
        ...(step.when === undefined ? {} : {
          when: new When({
            ...(step.when.content === undefined ? {} : { content: step.when.content }),
            ...(step.when.has === undefined ? {} : { has: step.when.has }),
            ...(step.when.phonePrefix === undefined ? {} : { phonePrefix: step.when.phonePrefix }),
            ...(step.when.metadata === undefined ? {} : { metadata: step.when.metadata })
          })
        })
      })
    ) as unknown as readonly [Step, ...Array<Step>]
  })

/**
 * A route that cannot work with the channels it names. `step` is 1-based, as people count.
 *
 * @since 0.1.0
 * @category errors
 */
export class RouteError extends Schema.TaggedError<RouteError>("@switchboard/router/Route/RouteError")(
  "RouteError",
  {
    /** The 1-based step, when the error is about one step. */
    step: Schema.optional(Schema.Int),
    channel: Schema.optional(Schema.String),
    message: Schema.String
  }
) {}

/**
 * Decodes a route from unknown input (parsed JSON, YAML, …), applying defaults.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (input: unknown): Effect.Effect<Route, RouteError> =>
  Effect.mapError(
    Schema.decodeUnknown(Route, { errors: "all", onExcessProperty: "error" })(input),
    (error) => new RouteError({ message: `invalid route: ${ParseResult.TreeFormatter.formatErrorSync(error)}` })
  )

/**
 * Decodes a route from JSON text.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeJson = (json: string): Effect.Effect<Route, RouteError> =>
  Effect.flatMap(
    Effect.try({
      try: () => JSON.parse(json) as unknown,
      catch: (error) => new RouteError({ message: `invalid route: not JSON (${String(error)})` })
    }),
    decode
  )

/**
 * Encodes a route as JSON-compatible data (the inverse of `decode`).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode: (route: Route) => typeof Route.Encoded = Schema.encodeSync(Route)

const describe = (step: number, channel: string) => `step ${step} (${channel})`

/**
 * Checks a route against the channels it will use: every channel exists; `successOn: "delivered"` or
 * `"read"` is something the channel reports and has a `within` deadline; `within` is only given for those;
 * a `when.content` lists content the channel can send. Errors name the step.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (
  route: Route,
  channels: Iterable<Capabilities.Capabilities>
): Effect.Effect<Route, RouteError> =>
  Effect.suspend(() => {
    const byId = new Map<string, Capabilities.Capabilities>()
    for (const capabilities of channels) byId.set(capabilities.channel, capabilities)
    for (let index = 0; index < route.steps.length; index++) {
      const step = route.steps[index]!
      const number = index + 1
      const fail = (message: string) =>
        Effect.fail(new RouteError({ step: number, channel: step.channel, message: `${describe(number, step.channel)}: ${message}` }))
      const capabilities = byId.get(step.channel)
      if (capabilities === undefined) {
        return fail(`no channel "${step.channel}" is configured (known: ${[...byId.keys()].join(", ") || "none"})`)
      }
      if (step.successOn !== "accepted") {
        if (!Capabilities.reports(capabilities, step.successOn)) {
          return fail(
            capabilities.receipts.length === 0
              ? `successOn "${step.successOn}" but ${step.channel} reports no receipts`
              : `successOn "${step.successOn}" but ${step.channel} reports only ${capabilities.receipts.join(", ")}`
          )
        }
        if (step.within === undefined) {
          return fail(`successOn "${step.successOn}" needs "within": how long to wait for the receipt`)
        }
        if (Duration.isZero(step.within)) {
          return fail(`"within" must be longer than zero`)
        }
      } else if (step.within !== undefined) {
        return fail(`"within" only applies to successOn "delivered" or "read"`)
      }
      const kinds = step.when?.content
      if (kinds !== undefined) {
        const unsendable = kinds.filter((kind) => !Capabilities.sends(capabilities, kind))
        if (unsendable.length > 0) {
          return fail(`when.content lists ${unsendable.join(", ")}, which ${step.channel} cannot send`)
        }
      }
    }
    return Effect.succeed(route)
  })

/**
 * Why a step's condition does not hold for a message, or `None` when it holds (or there is none).
 *
 * @since 0.1.0
 * @category conditions
 */
export const unmet = (step: Step, message: Message.Message): Option.Option<string> => {
  const when = step.when
  if (when === undefined) return Option.none()
  if (when.content !== undefined && !when.content.includes(message.content._tag)) {
    return Option.some(`the step applies to ${when.content.join(", ")} content and this is ${message.content._tag}`)
  }
  const recipient = message.recipient
  if (when.has !== undefined) {
    const has = when.has === "phone"
      ? recipient.phone !== undefined
      : when.has === "messenger"
      ? recipient.messengerId !== undefined
      : recipient.viberId !== undefined
    if (!has) return Option.some(`the step needs a recipient with a ${when.has} address`)
  }
  if (when.phonePrefix !== undefined) {
    const phone = recipient.phone
    if (phone === undefined || !when.phonePrefix.some((prefix) => phone.startsWith(prefix))) {
      return Option.some(`the step applies to phone numbers starting with ${when.phonePrefix.join(" or ")}`)
    }
  }
  if (when.metadata !== undefined) {
    for (const [key, value] of Object.entries(when.metadata)) {
      if (message.metadata?.[key] !== value) {
        return Option.some(`the step needs metadata ${key}=${value}`)
      }
    }
  }
  return Option.none()
}
