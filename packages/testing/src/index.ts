/**
 * @since 0.1.0
 */

/**
 * The conformance suite every channel adapter runs, as vitest tests or as plain Effects.
 *
 * @since 0.1.0
 */
export * as ChannelConformance from "./ChannelConformance.js"

/**
 * A fake `HttpClient` that records requests and answers with canned or computed responses.
 *
 * @since 0.1.0
 */
export * as MockHttpClient from "./MockHttpClient.js"

/**
 * The reference provider's HTTP client: wire format, Bearer authentication, typed errors.
 *
 * @since 0.1.0
 */
export * as InMemoryClient from "./InMemoryClient.js"

/**
 * The reference channel, built with `Channel.make`: the worked example for adapter authors.
 *
 * @since 0.1.0
 */
export * as InMemoryChannel from "./InMemoryChannel.js"

/**
 * The reference provider in memory: records what was sent, injects failures, reports statuses.
 *
 * @since 0.1.0
 */
export * as InMemoryProvider from "./InMemoryProvider.js"

/**
 * The reference provider's signed status callbacks and their parser.
 *
 * @since 0.1.0
 */
export * as InMemoryWebhook from "./InMemoryWebhook.js"

/**
 * Loads an OpenAPI 3 / Swagger 2 definition and validates recorded requests and responses against it,
 * returning readable errors.
 *
 * @since 0.1.0
 */
export * as OpenApiValidator from "./OpenApiValidator.js"

/**
 * A webhook endpoint on 127.0.0.1 that mounts your parsers and collects the events and requests it receives.
 *
 * @since 0.1.0
 */
export * as WebhookReceiver from "./WebhookReceiver.js"
