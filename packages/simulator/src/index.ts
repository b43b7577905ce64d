/**
 * @since 0.1.0
 */

/**
 * Scenarios: outcomes by recipient pattern, credentials, webhooks, as validated data.
 *
 * @since 0.1.0
 */
export * as Scenario from "./Scenario.js"

/**
 * The simulator server: the in-process layer, its service and the admin operations.
 *
 * @since 0.1.0
 */
export * as Simulator from "./Simulator.js"

/**
 * Errors of the simulator's own operations.
 *
 * @since 0.1.0
 */
export * as SimulatorError from "./SimulatorError.js"
