/**
 * Vonage's Applications API (v2): the Messages application whose `inbound_url` and `status_url` receive the
 * webhooks. Create, list, get, update and delete, either direct to Vonage
 * (`https://api.nexmo.com/v2/applications`, HTTP Basic with the account's API key and secret) or through KPN's
 * API Store (`https://api-prd.kpn.com/communication/nexmo/applications/v2`, KPN OAuth2 bearer token).
 *
 * `create` and `update` set the Messages capability: both webhook URLs (always `POST`) and the webhook
 * `version` — `v1` for Vonage direct and `v0.1` through KPN by default — so Vonage sends the shape
 * `VonageMessagesWebhook` is configured for. The private key Vonage generates when no public key is given comes
 * back `Redacted`, once, in `create`'s answer.
 *
 * Failures are `ApplicationsError`s with a closed `reason`; credentials never appear in them.
 *
 * @example
 * ```ts
 * import { Applications } from "@switchboard/vonage-messages"
 * import { NodeHttpClient } from "@effect/platform-node"
 * import { Effect, Layer, Redacted } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const applications = yield* Applications.Applications
 *   const created = yield* applications.create({
 *     name: "switchboard",
 *     inboundUrl: "https://example.com/webhooks/messages/inbound",
 *     statusUrl: "https://example.com/webhooks/messages/status"
 *   })
 *   const page = yield* applications.list({ page: 1, pageSize: 10 })
 *   yield* applications.update(created.id, {
 *     name: "switchboard-prod",
 *     inboundUrl: "https://example.com/webhooks/messages/inbound",
 *     statusUrl: "https://example.com/webhooks/messages/status"
 *   })
 *   yield* applications.delete(created.id)
 *   return page.applications.map((application) => application.name)
 * }).pipe(
 *   Effect.provide(
 *     Applications.layer({ mode: "vonage-basic", apiKey: "abcd1234", apiSecret: Redacted.make("secret") }).pipe(
 *       Layer.provide(NodeHttpClient.layerUndici)
 *     )
 *   )
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { OAuthClientCredentials } from "@switchboard/auth"
import { isChannelError } from "@switchboard/core/ChannelError"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Errors from "./internal/errors.js"
import { defaultKpnBaseUrl, defaultTimeout, defaultVonageBaseUrl } from "./VonageMessagesClient.js"

/**
 * Why an Applications API call failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class ApplicationsError extends Schema.TaggedError<ApplicationsError>(
  "@switchboard/vonage-messages/Applications/ApplicationsError"
)("ApplicationsError", {
  reason: Schema.Literal("AuthenticationFailed", "NotFound", "InvalidRequest", "RateLimited", "ProviderUnavailable"),
  message: Schema.String,
  /** The HTTP status, when there was a response. */
  status: Schema.optional(Schema.Int),
  /** The provider's own text (`detail`, and `invalid_parameters`). */
  providerText: Schema.optional(Schema.String)
}) {}

/**
 * An application as Vonage describes it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Application {
  readonly id: string
  readonly name: string
  readonly inboundUrl?: string | undefined
  readonly statusUrl?: string | undefined
  /** The webhook shape Vonage sends (`v1`, `v0.1`), when it says. */
  readonly version?: string | undefined
  readonly publicKey?: string | undefined
  /** Only in `create`'s answer, when Vonage generated the key pair. */
  readonly privateKey?: Redacted.Redacted<string> | undefined
}

/**
 * What `create` and `update` send.
 *
 * @since 0.1.0
 * @category models
 */
export interface Input {
  readonly name: string
  readonly inboundUrl: string
  readonly statusUrl: string
  /** The webhook shape; `v1` for Vonage direct and `v0.1` through KPN by default. */
  readonly version?: "v1" | "v0.1" | undefined
  /** A PEM public key; without one, Vonage generates a key pair and returns the private key once. */
  readonly publicKey?: string | undefined
}

/**
 * One page of `list`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Page {
  readonly applications: ReadonlyArray<Application>
  /** 1-based. */
  readonly page: number
  readonly pageSize: number
  readonly totalItems?: number | undefined
  readonly totalPages?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly create: (input: Input) => Effect.Effect<Application, ApplicationsError>
  /** `page` is 1-based (default 1); `pageSize` defaults to 10. */
  readonly list: (options?: {
    readonly page?: number | undefined
    readonly pageSize?: number | undefined
  }) => Effect.Effect<Page, ApplicationsError>
  readonly get: (id: string) => Effect.Effect<Application, ApplicationsError>
  readonly update: (id: string, input: Input) => Effect.Effect<Application, ApplicationsError>
  readonly delete: (id: string) => Effect.Effect<void, ApplicationsError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Applications extends Context.Tag("@switchboard/vonage-messages/Applications")<Applications, Service>() {}

/**
 * Vonage direct, with the account's API key and secret.
 *
 * @since 0.1.0
 * @category models
 */
export interface VonageBasicOptions {
  readonly mode: "vonage-basic"
  readonly apiKey: string
  readonly apiSecret: Redacted.Redacted<string>
  readonly baseUrl?: string | undefined
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * Through KPN's API Store (requires `OAuthClientCredentials`).
 *
 * @since 0.1.0
 * @category models
 */
export interface KpnOptions {
  readonly mode: "kpn"
  readonly baseUrl?: string | undefined
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export type Options = VonageBasicOptions | KpnOptions

// ---------------------------------------------------------------------------------------------------------
// wire
// ---------------------------------------------------------------------------------------------------------

const optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(schema, { exact: true })

const Webhook = Schema.Struct({
  address: Schema.String,
  httpMethod: optional(Schema.String).pipe(Schema.fromKey("http_method"))
})

const WireInput = Schema.Struct({
  name: Schema.String,
  keys: optional(Schema.Struct({ publicKey: Schema.propertySignature(Schema.String).pipe(Schema.fromKey("public_key")) })),
  capabilities: Schema.Struct({
    messages: Schema.Struct({
      version: optional(Schema.String),
      webhooks: Schema.Struct({
        inboundUrl: Schema.propertySignature(Webhook).pipe(Schema.fromKey("inbound_url")),
        statusUrl: Schema.propertySignature(Webhook).pipe(Schema.fromKey("status_url"))
      })
    })
  })
})

const WireApplication = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  keys: optional(Schema.Struct({
    publicKey: optional(Schema.String).pipe(Schema.fromKey("public_key")),
    privateKey: optional(Schema.String).pipe(Schema.fromKey("private_key"))
  })),
  capabilities: optional(Schema.Struct({
    messages: optional(Schema.Struct({
      version: optional(Schema.String),
      webhooks: optional(Schema.Struct({
        inboundUrl: optional(Webhook).pipe(Schema.fromKey("inbound_url")),
        statusUrl: optional(Webhook).pipe(Schema.fromKey("status_url"))
      }))
    }))
  }))
})

const WirePage = Schema.Struct({
  page: optional(Schema.Number),
  pageSize: optional(Schema.Number).pipe(Schema.fromKey("page_size")),
  totalItems: optional(Schema.Number).pipe(Schema.fromKey("total_items")),
  totalPages: optional(Schema.Number).pipe(Schema.fromKey("total_pages")),
  embedded: optional(Schema.Struct({
    applications: optional(Schema.Array(WireApplication))
  })).pipe(Schema.fromKey("_embedded")),
  // KPN's listing puts the applications at the top level
  applications: optional(Schema.Array(WireApplication))
})

const encodeInput = Schema.encodeSync(WireInput)

const toApplication = (wire: typeof WireApplication.Type): Application => {
  const messages = wire.capabilities?.messages
  return {
    id: wire.id,
    name: wire.name,
    ...(messages?.webhooks?.inboundUrl === undefined ? {} : { inboundUrl: messages.webhooks.inboundUrl.address }),
    ...(messages?.webhooks?.statusUrl === undefined ? {} : { statusUrl: messages.webhooks.statusUrl.address }),
    ...(messages?.version === undefined ? {} : { version: messages.version }),
    ...(wire.keys?.publicKey === undefined ? {} : { publicKey: wire.keys.publicKey }),
    ...(wire.keys?.privateKey === undefined ? {} : { privateKey: Redacted.make(wire.keys.privateKey) })
  }
}

/**
 * The JSON body `create` and `update` send for an input.
 *
 * @since 0.1.0
 * @category rendering
 */
export const toBody = (input: Input, defaultVersion: "v1" | "v0.1"): unknown =>
  encodeInput({
    name: input.name,
    ...(input.publicKey === undefined ? {} : { keys: { publicKey: input.publicKey } }),
    capabilities: {
      messages: {
        version: input.version ?? defaultVersion,
        webhooks: {
          inboundUrl: { address: input.inboundUrl, httpMethod: "POST" },
          statusUrl: { address: input.statusUrl, httpMethod: "POST" }
        }
      }
    }
  })

// ---------------------------------------------------------------------------------------------------------
// client
// ---------------------------------------------------------------------------------------------------------

const errorFor = (status: number, bodyText: string, what: string): ApplicationsError => {
  const provider = Errors.readProviderError(bodyText)
  const details = provider.invalidParameters.length === 0 ? "" : ` (${provider.invalidParameters.join("; ")})`
  const providerText = provider.text === undefined ? (details === "" ? undefined : details.trim()) : `${provider.text}${details}`
  const reason: ApplicationsError["reason"] = status === 401 || status === 403
    ? "AuthenticationFailed"
    : status === 404
    ? "NotFound"
    : status === 429
    ? "RateLimited"
    : status >= 500
    ? "ProviderUnavailable"
    : "InvalidRequest"
  return new ApplicationsError({
    reason,
    status,
    message: `${what} failed with HTTP ${status}${providerText === undefined ? "" : `: ${providerText}`}`,
    ...(providerText === undefined ? {} : { providerText })
  })
}

const transportError = (what: string) => (cause: unknown): ApplicationsError => {
  if (isChannelError(cause)) {
    return new ApplicationsError({
      reason: cause._tag === "AuthenticationFailed" ? "AuthenticationFailed" : "ProviderUnavailable",
      message: `${what} failed: ${cause.message}`
    })
  }
  if (cause instanceof ApplicationsError) return cause
  return new ApplicationsError({
    reason: "ProviderUnavailable",
    message: `${what} failed: the Applications API could not be reached`
  })
}

/**
 * Builds the service from an already-authenticated `HttpClient`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromHttpClient = (options: {
  readonly flavour: "vonage" | "kpn"
  /** The collection URL (`…/v2/applications` or `…/applications/v2`). */
  readonly url: string
  readonly client: HttpClient.HttpClient.With<unknown>
  readonly timeout?: Duration.DurationInput | undefined
}): Service => {
  const timeout = Duration.decode(options.timeout ?? defaultTimeout)
  const defaultVersion = options.flavour === "kpn" ? "v0.1" : "v1"

  const execute = <A>(
    what: string,
    request: HttpClientRequest.HttpClientRequest,
    onSuccess: (response: HttpClientResponse.HttpClientResponse, body: unknown) => Effect.Effect<A, ApplicationsError>
  ): Effect.Effect<A, ApplicationsError> =>
    Effect.gen(function*() {
      const response = yield* options.client.execute(HttpClientRequest.acceptJson(request)).pipe(
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () =>
            new ApplicationsError({
              reason: "ProviderUnavailable",
              message: `${what} failed: no answer within ${Duration.format(timeout)}`
            })
        }),
        Effect.mapError(transportError(what))
      )
      const text = yield* Effect.orElseSucceed(response.text, () => "")
      if (response.status < 200 || response.status >= 300) return yield* Effect.fail(errorFor(response.status, text, what))
      let json: unknown = undefined
      if (text.trim().length > 0) {
        try {
          json = JSON.parse(text)
        } catch {
          return yield* Effect.fail(
            new ApplicationsError({
              reason: "ProviderUnavailable",
              status: response.status,
              message: `${what}: the answer is not JSON`
            })
          )
        }
      }
      return yield* onSuccess(response, json)
    }).pipe(Effect.withSpan(`Applications.${what}`))

  const decodeApplication = (what: string) => (_: HttpClientResponse.HttpClientResponse, json: unknown) =>
    Schema.decodeUnknown(WireApplication)(json).pipe(
      Effect.map(toApplication),
      Effect.mapError(() =>
        new ApplicationsError({ reason: "ProviderUnavailable", message: `${what}: the answer is not an application` })
      )
    )

  const itemUrl = (id: string) => `${options.url}/${encodeURIComponent(id)}`

  return {
    create: (input) =>
      execute(
        "create",
        HttpClientRequest.post(options.url).pipe(HttpClientRequest.bodyUnsafeJson(toBody(input, defaultVersion))),
        decodeApplication("create")
      ),
    list: (listOptions) => {
      const page = Math.max(1, Math.floor(listOptions?.page ?? 1))
      const pageSize = Math.max(1, Math.floor(listOptions?.pageSize ?? 10))
      const query = options.flavour === "kpn"
        ? { page_index: String(page - 1), page_size: String(pageSize) }
        : { page: String(page), page_size: String(pageSize) }
      return execute(
        "list",
        HttpClientRequest.get(options.url).pipe(HttpClientRequest.setUrlParams(query)),
        (_, json) =>
          Schema.decodeUnknown(WirePage)(json ?? {}).pipe(
            Effect.map((wire): Page => ({
              applications: (wire.embedded?.applications ?? wire.applications ?? []).map(toApplication),
              page: options.flavour === "kpn" || wire.page === undefined ? page : wire.page,
              pageSize: wire.pageSize ?? pageSize,
              ...(wire.totalItems === undefined ? {} : { totalItems: wire.totalItems }),
              ...(wire.totalPages === undefined ? {} : { totalPages: wire.totalPages })
            })),
            Effect.mapError(() =>
              new ApplicationsError({ reason: "ProviderUnavailable", message: "list: the answer is not a page" })
            )
          )
      )
    },
    get: (id) => execute("get", HttpClientRequest.get(itemUrl(id)), decodeApplication("get")),
    update: (id, input) =>
      execute(
        "update",
        HttpClientRequest.put(itemUrl(id)).pipe(HttpClientRequest.bodyUnsafeJson(toBody(input, defaultVersion))),
        decodeApplication("update")
      ),
    delete: (id) => execute("delete", HttpClientRequest.del(itemUrl(id)), () => Effect.void)
  }
}

const trimSlash = (url: string): string => url.replace(/\/+$/, "")

/**
 * @since 0.1.0
 * @category constructors
 */
export function make(options: VonageBasicOptions): Effect.Effect<Service, never, HttpClient.HttpClient>
export function make(
  options: KpnOptions
): Effect.Effect<Service, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials>
export function make(
  options: Options
): Effect.Effect<Service, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials>
export function make(
  options: Options
): Effect.Effect<Service, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials> {
  return Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    if (options.mode === "vonage-basic") {
      return fromHttpClient({
        flavour: "vonage",
        url: `${trimSlash(options.baseUrl ?? defaultVonageBaseUrl)}/v2/applications`,
        timeout: options.timeout,
        client: HttpClient.mapRequest(http, HttpClientRequest.basicAuth(options.apiKey, options.apiSecret))
      })
    }
    const oauth = yield* OAuthClientCredentials.OAuthClientCredentials
    return fromHttpClient({
      flavour: "kpn",
      url: `${trimSlash(options.baseUrl ?? defaultKpnBaseUrl)}/applications/v2`,
      timeout: options.timeout,
      client: oauth.withBearer(http)
    })
  })
}

/**
 * @since 0.1.0
 * @category layers
 */
export function layer(options: VonageBasicOptions): Layer.Layer<Applications, never, HttpClient.HttpClient>
export function layer(
  options: KpnOptions
): Layer.Layer<Applications, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials>
export function layer(
  options: Options
): Layer.Layer<Applications, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials>
export function layer(
  options: Options
): Layer.Layer<Applications, never, HttpClient.HttpClient | OAuthClientCredentials.OAuthClientCredentials> {
  return Layer.effect(Applications, make(options))
}

/**
 * The service from the environment: `VONAGE_MESSAGES_MODE` `kpn` uses `KPN_CLIENT_ID`, `KPN_CLIENT_SECRET`
 * (and `KPN_TOKEN_URL`); any other mode uses `VONAGE_API_KEY` and `VONAGE_API_SECRET` (the Applications API takes
 * HTTP Basic only). `VONAGE_MESSAGES_BASE_URL` overrides the base URL.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: Layer.Layer<Applications, ConfigError.ConfigError, HttpClient.HttpClient> = Layer
  .unwrapEffect(
    Effect.gen(function*() {
      const mode = yield* Config.string("VONAGE_MESSAGES_MODE").pipe(Config.withDefault("vonage-basic"))
      const baseUrl = Option.getOrUndefined(yield* Config.option(Config.string("VONAGE_MESSAGES_BASE_URL")))
      if (mode === "kpn") {
        return layer({ mode: "kpn", baseUrl }).pipe(Layer.provide(OAuthClientCredentials.layerConfig))
      }
      const apiKey = yield* Config.string("VONAGE_API_KEY")
      const apiSecret = yield* Config.redacted("VONAGE_API_SECRET")
      return layer({ mode: "vonage-basic", apiKey, apiSecret, baseUrl })
    })
  )
