/**
 * How routing a message ended: `read`, `delivered` or `accepted` (by the step that succeeded, as far as that
 * step's `successOn` asked to know), or `failed`, with what happened at every step that was tried: succeeded,
 * skipped (and why), or failed (and why).
 *
 * @example
 * ```ts
 * import { Outcome } from "@switchboard/router"
 *
 * const describe = (outcome: Outcome.Outcome) =>
 *   outcome.status === "failed"
 *     ? `failed: ${outcome.steps.map((step) => `${step.channel}: ${step.reason}`).join("; ")}`
 *     : `${outcome.status} by ${outcome.channel}`
 * ```
 *
 * @since 0.1.0
 */
import * as ChannelError from "@switchboard/core/ChannelError"
import * as Message from "@switchboard/core/Message"
import * as Status from "@switchboard/core/Status"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category models
 */
export const OutcomeStatus = Schema.Literal("read", "delivered", "accepted", "failed")

/**
 * @since 0.1.0
 * @category models
 */
export type OutcomeStatus = typeof OutcomeStatus.Type

/**
 * What happened at one step.
 *
 * @since 0.1.0
 * @category models
 */
export class StepReport extends Schema.Class<StepReport>("@switchboard/router/Outcome/StepReport")({
  /** 1-based. */
  step: Schema.Int,
  channel: Schema.String,
  result: Schema.Literal("succeeded", "skipped", "failed"),
  /** A sentence for people: why it was skipped or failed, or what it reached. */
  reason: Schema.String,
  /** The channel error behind a skip or failure, when there was one. */
  error: Schema.optional(ChannelError.Reason),
  /** The status the step's receipt reached, when it waited for one. */
  state: Schema.optional(Status.State),
  /** Sends made at this step. */
  attempts: Schema.Int
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export class Outcome extends Schema.Class<Outcome>("@switchboard/router/Outcome")({
  messageId: Message.MessageId,
  status: OutcomeStatus,
  /** The 1-based step that succeeded. */
  step: Schema.optional(Schema.Int),
  /** The channel that succeeded. */
  channel: Schema.optional(Schema.String),
  /** The provider's ids of the successful send. */
  providerMessageIds: Schema.optional(Schema.Array(Schema.String)),
  /** Every step that was tried, in order. */
  steps: Schema.Array(StepReport),
  completedAt: Schema.DateTimeUtc
}) {}

/**
 * Whether the message got through (`read`, `delivered` or `accepted`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSuccess = (outcome: Outcome): boolean => outcome.status !== "failed"
