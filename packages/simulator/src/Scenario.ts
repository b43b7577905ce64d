/**
 * Scenarios: what the simulator does with each request, as data.
 *
 * A scenario is a JSON document validated by {@link Scenario}. Its `rules` are tried in order; the first
 * rule whose `to` pattern, `api` and `channel` match a request decides the {@link Outcome}, how long the
 * simulator waits before answering (`delayMs`) and how it sends the callbacks (`callbacks`). A rule with
 * `times` applies to that many matching requests only, then falls through to the next rules, which is
 * how "throttle once, then deliver" is written. When no rule matches, `default` applies (`deliver`).
 *
 * The same document configures the simulated accounts: which credentials are required (by default any
 * well-formed ones are accepted), the webhook URLs and signing secrets, token lifetime, quota and prices.
 *
 * @example
 * ```ts
 * import { Scenario } from "@switchboard/simulator"
 * import { Effect } from "effect"
 *
 * const scenario = Scenario.decode({
 *   rules: [
 *     { to: "+3161111*", outcome: { type: "reject", code: 7 } },
 *     { to: "+3162222*", api: "messages", outcome: { type: "read" }, callbacks: { order: "reverse" } },
 *     { to: "+3163333*", times: 1, outcome: { type: "throttle", retryAfterSeconds: 2 } }
 *   ],
 *   webhooks: { messages: { statusUrl: "http://127.0.0.1:9000/status", signatureSecret: "s3cret" } }
 * })
 *
 * Effect.runSync(scenario).rules.length // 3
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { ScenarioError } from "./SimulatorError.js"

/**
 * The simulated APIs, as rules name them:
 * - `vonage-sms`: `POST /sms/json` (Vonage SMS, direct);
 * - `kpn-vonage-sms`: `POST /communication/nexmo/sms/send` (Vonage SMS through KPN);
 * - `kpn-sms`: `POST /communication/kpn/sms/send` and `POST /messaging/sms-kpn/v1/send` (KPN's own SMS API);
 * - `messages`: `POST /v1/messages` (Vonage Messages v1);
 * - `kpn-messages`: `POST /communication/nexmo/v0.1/messages` (Vonage Messages v0.1 through KPN).
 *
 * @since 0.1.0
 * @category models
 */
export const Api = Schema.Literal("vonage-sms", "kpn-vonage-sms", "kpn-sms", "messages", "kpn-messages")

/**
 * @since 0.1.0
 * @category models
 */
export type Api = typeof Api.Type

/**
 * Channels, with the Messages API v1 names (`viber_service_msg` in v0.1 matches `viber_service`).
 *
 * @since 0.1.0
 * @category models
 */
export const Channel = Schema.Literal("sms", "mms", "whatsapp", "messenger", "viber_service")

/**
 * @since 0.1.0
 * @category models
 */
export type Channel = typeof Channel.Type

const Code = Schema.Union(Schema.String, Schema.Number)

/**
 * What happens to a matching request.
 *
 * - `deliver`: accepted; statuses `submitted → delivered` (SMS: a `delivered` receipt per part).
 * - `read`: as `deliver`, then `read` on the channels that report it (WhatsApp, Viber, Messenger);
 *   on SMS it is `deliver`.
 * - `reject`: with `stage: "submit"` the request itself is refused (Vonage SMS: per-part status `code`
 *   1–33, default 7; Messages: HTTP 422/402 with error `code`, default 1150; KPN SMS: HTTP 400); with
 *   `stage: "receipt"` it is accepted and the status callback says rejected (Vonage SMS DLR `rejected`
 *   with `err-code`, default 6; Messages `rejected` with error `code`, default 1250; KPN DLR status 5
 *   with code, default `003`). The default stage is `submit` for Vonage SMS and `receipt` otherwise.
 * - `undeliverable`: accepted; the receipt says it could not be delivered (Vonage SMS DLR `failed`,
 *   default err-code 2; Messages `undeliverable`, default 1300; KPN DLR status 4, default `002`).
 * - `expire`: accepted; the receipt says it expired (Vonage SMS DLR `expired` err-code 1; Messages
 *   `rejected` with 1360 "TTL was activated"; KPN DLR status 6 with `024`).
 * - `no-receipt`: accepted, and no final status ever arrives (Messages still sends `submitted`).
 * - `never-answer`: the request is held open and never answered.
 * - `throttle`: HTTP 429 with `Retry-After` (and the API's own throttling body).
 * - `server-error`: HTTP `status` (default 500) with the API's own error body.
 * - `drop-connection`: the socket is destroyed without an answer.
 *
 * @since 0.1.0
 * @category models
 */
export const Outcome = Schema.Union(
  Schema.Struct({ type: Schema.Literal("deliver") }),
  Schema.Struct({ type: Schema.Literal("read") }),
  Schema.Struct({
    type: Schema.Literal("reject"),
    stage: Schema.optional(Schema.Literal("submit", "receipt")),
    code: Schema.optional(Code),
    text: Schema.optional(Schema.String)
  }),
  Schema.Struct({
    type: Schema.Literal("undeliverable"),
    code: Schema.optional(Code),
    text: Schema.optional(Schema.String)
  }),
  Schema.Struct({ type: Schema.Literal("expire") }),
  Schema.Struct({ type: Schema.Literal("no-receipt") }),
  Schema.Struct({ type: Schema.Literal("never-answer") }),
  Schema.Struct({
    type: Schema.Literal("throttle"),
    retryAfterSeconds: Schema.optional(Schema.NonNegativeInt)
  }),
  Schema.Struct({
    type: Schema.Literal("server-error"),
    status: Schema.optional(Schema.Int.pipe(Schema.between(500, 599)))
  }),
  Schema.Struct({ type: Schema.Literal("drop-connection") })
)

/**
 * @since 0.1.0
 * @category models
 */
export type Outcome = typeof Outcome.Type

/**
 * How the callbacks caused by a message are sent.
 *
 * - `duplicate`: send every callback this many extra times;
 * - `order`: `reverse` sends them last-first (a `delivered` before its `submitted`, part 2 before part 1);
 * - `delayMs`: wait this long before each callback (default 0);
 * - `interim`: SMS APIs first send an interim receipt (Vonage `accepted`, KPN status 3) before the final one.
 *
 * @since 0.1.0
 * @category models
 */
export const Callbacks = Schema.Struct({
  duplicate: Schema.optional(Schema.NonNegativeInt),
  order: Schema.optional(Schema.Literal("natural", "reverse")),
  delayMs: Schema.optional(Schema.NonNegativeInt),
  interim: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Callbacks = typeof Callbacks.Type

const OneOrMany = <S extends Schema.Schema.Any>(schema: S) => Schema.Union(schema, Schema.Array(schema))

/**
 * One rule. `to` is a pattern on the recipient: `*` matches any run of characters, `?` one character, a
 * pattern written `/…/` is a regular expression; phone numbers are compared in E.164 with and without the
 * leading `+` (`+3161*` and `3161*` both match `0612345678` sent to KPN). Messenger and Viber ids are
 * compared as they are.
 *
 * @since 0.1.0
 * @category models
 */
export const Rule = Schema.Struct({
  to: Schema.optional(Schema.String),
  api: Schema.optional(OneOrMany(Api)),
  channel: Schema.optional(OneOrMany(Schema.Literal("sms", "mms", "whatsapp", "messenger", "viber_service"))),
  outcome: Outcome,
  times: Schema.optional(Schema.Int.pipe(Schema.positive())),
  delayMs: Schema.optional(Schema.NonNegativeInt),
  callbacks: Schema.optional(Callbacks)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Rule = typeof Rule.Type

/**
 * A secret: a string in the JSON form, `Redacted` once decoded, so it never shows in logs, errors or the
 * admin API's view of the scenario.
 *
 * @since 0.1.0
 * @category models
 */
export const Secret = Schema.Redacted(Schema.String)

/**
 * Vonage request-signing algorithms (`md5hash` is the salted MD5 hash; the others are HMACs).
 *
 * @since 0.1.0
 * @category models
 */
export const SignatureMethod = Schema.Literal("md5hash", "md5", "sha1", "sha256", "sha512")

/**
 * Credentials the simulator requires. When a section is absent, any well-formed credentials for that API
 * are accepted; when present, anything else is refused exactly as the real API refuses it.
 *
 * - `vonage`: the account's `apiKey` and `apiSecret` (Basic or `api_key`/`api_secret`), and the
 *   `signatureSecret` that verifies `sig`-signed requests (with `signatureMethod`, or any method when absent).
 *   Without a `signatureSecret`, signed requests are accepted when the signature is well-formed.
 * - `kpn`: the API Store app's `clientId` and `clientSecret` for the token endpoint.
 * - `application`: the Vonage application for Messages v1 JWTs; with a `publicKey` (PEM) the RS256 signature
 *   is verified, otherwise the JWT is checked for shape only (RS256, `application_id`, `iat`, `jti`).
 *
 * @since 0.1.0
 * @category models
 */
export const Credentials = Schema.Struct({
  vonage: Schema.optional(Schema.Struct({
    apiKey: Schema.String,
    apiSecret: Schema.optional(Secret),
    signatureSecret: Schema.optional(Secret),
    signatureMethod: Schema.optional(SignatureMethod)
  })),
  kpn: Schema.optional(Schema.Struct({
    clientId: Schema.String,
    clientSecret: Secret
  })),
  application: Schema.optional(Schema.Struct({
    applicationId: Schema.optional(Schema.String),
    publicKey: Schema.optional(Schema.String)
  }))
})

/**
 * How Vonage SMS callbacks (delivery receipts and inbound SMS) are sent: `GET` with a query string,
 * `POST` with a form body, or `POST-JSON` (the default) with a JSON body.
 *
 * @since 0.1.0
 * @category models
 */
export const CallbackMethod = Schema.Literal("GET", "POST", "POST-JSON")

/**
 * Where callbacks go and how they are signed.
 *
 * - `vonageSms`: the account's delivery-receipt URL (a request's `callback` parameter overrides it), the
 *   inbound SMS URL, the HTTP method, and the signature secret (and method, default `md5hash`) that signs
 *   them with `timestamp`, `nonce` and `sig`, as Vonage's signed webhooks do. Used by direct and
 *   KPN-gateway SMS.
 * - `messages`: the v1 application's status and inbound URLs (a request's `webhook_url` overrides the
 *   status URL); with a `signatureSecret` every webhook carries `Authorization: Bearer <JWT>` (HS256 with
 *   `payload_hash`), as Vonage signs Messages webhooks.
 * - `kpnMessages`: the v0.1 application's status and inbound URLs (KPN gateway).
 * - `kpnSms`: the inbound URL of the KPN virtual number, and the signing key (`keyId` and `secret`) for
 *   `X-KPN-Webhook-*` signatures on delivery reports (which go to each request's `webhook_url`) and inbound SMS.
 *
 * @since 0.1.0
 * @category models
 */
export const Webhooks = Schema.Struct({
  vonageSms: Schema.optional(Schema.Struct({
    deliveryReceiptUrl: Schema.optional(Schema.String),
    inboundUrl: Schema.optional(Schema.String),
    method: Schema.optional(CallbackMethod),
    signatureSecret: Schema.optional(Secret),
    signatureMethod: Schema.optional(SignatureMethod)
  })),
  messages: Schema.optional(Schema.Struct({
    statusUrl: Schema.optional(Schema.String),
    inboundUrl: Schema.optional(Schema.String),
    signatureSecret: Schema.optional(Secret)
  })),
  kpnMessages: Schema.optional(Schema.Struct({
    statusUrl: Schema.optional(Schema.String),
    inboundUrl: Schema.optional(Schema.String)
  })),
  kpnSms: Schema.optional(Schema.Struct({
    inboundUrl: Schema.optional(Schema.String),
    signingKey: Schema.optional(Schema.Struct({ keyId: Schema.String, secret: Secret }))
  }))
})

/**
 * The KPN token endpoint's behaviour: token lifetime in seconds (default 3599, as KPN's gateway), the
 * HTTP status of the invalid-token fault (401, or 500 as some KPN endpoints answer), and whether bearer
 * tokens the simulator did not issue are accepted (default false).
 *
 * @since 0.1.0
 * @category models
 */
export const Tokens = Schema.Struct({
  lifetimeSeconds: Schema.optional(Schema.Int.pipe(Schema.positive())),
  invalidTokenStatus: Schema.optional(Schema.Literal(401, 500)),
  acceptUnknown: Schema.optional(Schema.Boolean)
})

/**
 * The simulated account: the starting balance and the price of one SMS part (as Vonage prints them, with
 * eight decimals), the network code reported for recipients, and the KPN quota (calls per window; beyond
 * it KPN answers 429 with the Apigee quota fault).
 *
 * @since 0.1.0
 * @category models
 */
export const Account = Schema.Struct({
  balance: Schema.optional(Schema.Number),
  pricePerPart: Schema.optional(Schema.Number),
  network: Schema.optional(Schema.String),
  quotaLimit: Schema.optional(Schema.Int.pipe(Schema.positive()))
})

/**
 * A scenario.
 *
 * @since 0.1.0
 * @category models
 */
export const Scenario = Schema.Struct({
  rules: Schema.optionalWith(Schema.Array(Rule), { default: () => [] }),
  default: Schema.optional(Outcome),
  credentials: Schema.optional(Credentials),
  webhooks: Schema.optional(Webhooks),
  tokens: Schema.optional(Tokens),
  account: Schema.optional(Account)
})

/**
 * @since 0.1.0
 * @category models
 */
export type Scenario = typeof Scenario.Type

/**
 * The JSON form of a scenario (what a scenario file holds).
 *
 * @since 0.1.0
 * @category models
 */
export type Encoded = typeof Scenario.Encoded

/**
 * The empty scenario: every request is delivered, any well-formed credentials are accepted.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: Scenario = { rules: [] }

/**
 * Validates an unknown value (parsed JSON) as a scenario.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (input: unknown): Effect.Effect<Scenario, ScenarioError> =>
  Schema.decodeUnknown(Scenario, { onExcessProperty: "error" })(input).pipe(
    Effect.mapError((error) =>
      new ScenarioError({ message: ParseResult.TreeFormatter.formatErrorSync(error) })
    )
  )

/**
 * Parses and validates a scenario from JSON text.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeJson = (json: string): Effect.Effect<Scenario, ScenarioError> =>
  Effect.try({
    try: () => JSON.parse(json) as unknown,
    catch: (error) =>
      new ScenarioError({ message: `the scenario is not JSON: ${error instanceof Error ? error.message : String(error)}` })
  }).pipe(Effect.flatMap(decode))

/**
 * What the simulator knows about a request when it looks for a rule.
 *
 * @since 0.1.0
 * @category models
 */
export interface Subject {
  readonly api: Api
  readonly channel: Channel
  /** The recipient: E.164 (`+31612345678`) for phone numbers, the id for Messenger and Viber. */
  readonly to: string
}

const escapeRegExp = (s: string) => s.replace(/[.+^${}()|[\]\\]/g, "\\$&")

/**
 * Compiles a `to` pattern into a predicate on recipients.
 *
 * @since 0.1.0
 * @category matching
 */
export const compilePattern = (pattern: string): (to: string) => boolean => {
  if (pattern.length > 1 && pattern.startsWith("/") && pattern.endsWith("/")) {
    const regex = new RegExp(pattern.slice(1, -1))
    return (to) => regex.test(to) || (to.startsWith("+") && regex.test(to.slice(1)))
  }
  const regex = new RegExp(`^${escapeRegExp(pattern).replace(/\*/g, ".*").replace(/\?/g, ".")}$`)
  return (to) => regex.test(to) || (to.startsWith("+") && regex.test(to.slice(1)))
}

const includes = <A>(selector: A | ReadonlyArray<A> | undefined, value: A): boolean =>
  selector === undefined || (Array.isArray(selector) ? selector.includes(value) : selector === value)

/**
 * Whether a rule matches a request (ignoring `times`, which the simulator counts).
 *
 * @since 0.1.0
 * @category matching
 */
export const matches = (rule: Rule, subject: Subject): boolean =>
  includes(rule.api, subject.api) &&
  includes(rule.channel, subject.channel) &&
  (rule.to === undefined || compilePattern(rule.to)(subject.to))
