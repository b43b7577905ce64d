/**
 * Test support shared by `@switchboard/whatsapp`, `@switchboard/viber` and `@switchboard/messenger`. Private:
 * a devDependency of those packages, never published, never imported by their sources.
 *
 * @since 0.0.0
 */

/**
 * The contract harness: the simulator in-process, a webhook receiver with our own parser, and a
 * `VonageMessagesClient` pointed at the simulator, in either API shape.
 *
 * @since 0.0.0
 */
export * as MessagesContract from "./MessagesContract.js"

/**
 * A `VonageMessagesClient` on `@switchboard/testing`'s `MockHttpClient`, with KPN's token endpoint.
 *
 * @since 0.0.0
 */
export * as MockMessagesApi from "./MockMessagesApi.js"
