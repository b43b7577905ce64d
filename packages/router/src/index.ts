/**
 * @since 0.1.0
 */

/**
 * Engines: in memory, SQLite on one node, a cluster of runners on PostgreSQL.
 *
 * @since 0.1.0
 */
export * as Engine from "./Engine.js"

/**
 * Every event of every routed message.
 *
 * @since 0.1.0
 */
export * as MessageLog from "./MessageLog.js"

/**
 * How routing a message ended.
 *
 * @since 0.1.0
 */
export * as Outcome from "./Outcome.js"

/**
 * The durable index from provider message ids to messages and steps.
 *
 * @since 0.1.0
 */
export * as ReceiptIndex from "./ReceiptIndex.js"

/**
 * Routes as data, and their validation.
 *
 * @since 0.1.0
 */
export * as Route from "./Route.js"

/**
 * The router.
 *
 * @since 0.1.0
 */
export * as Router from "./Router.js"

/**
 * An `@effect/sql` client for a SQLite file on one long-lived libsql connection.
 *
 * @since 0.1.0
 */
export * as SqliteClient from "./SqliteClient.js"
