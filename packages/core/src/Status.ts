/**
 * Where a message is: `accepted → submitted → delivered → read`, the terminal failures `rejected`,
 * `undeliverable`, `expired` and `failed`, and `unknown`.
 *
 * Provider webhooks arrive late, twice and out of order. `merge` is commutative, associative and
 * idempotent (a join-semilattice), so folding any permutation of the same updates, with or without
 * duplicates, gives the same result, and a late update never moves a message backwards:
 * - the state with the higher rank wins: `unknown < accepted < submitted < failed < expired <
 *   undeliverable < rejected < delivered < read`; a terminal failure therefore sticks against every
 *   in-flight state, and positive evidence from the handset (`delivered`, `read`) outranks a failure
 *   report, since providers sometimes report a failure before a retry of theirs succeeds;
 * - `read` implies delivered: `deliveredAt` is set by a read receipt as well;
 * - on equal state the earliest report wins, then the provider code and text, so the choice never
 *   depends on arrival order; the provider's raw code and reason are kept.
 *
 * @example
 * ```ts
 * import { Status } from "@switchboard/core"
 * import { DateTime } from "effect"
 *
 * const at = DateTime.unsafeMake("2026-01-01T10:00:00Z")
 * const delivered = Status.make("delivered", at)
 * const late = Status.make("submitted", DateTime.add(at, { seconds: 5 }))
 * Status.merge(delivered, late).state // "delivered"
 * ```
 *
 * @since 0.1.0
 */
import * as Array from "effect/Array"
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as Order from "effect/Order"
import * as Schema from "effect/Schema"
import { Amount } from "./Receipt.js"
import { MessageId } from "./Message.js"

/**
 * @since 0.1.0
 * @category models
 */
export const State = Schema.Literal(
  "unknown",
  "accepted",
  "submitted",
  "delivered",
  "read",
  "rejected",
  "undeliverable",
  "expired",
  "failed"
)

/**
 * @since 0.1.0
 * @category models
 */
export type State = typeof State.Type

const rank: Record<State, number> = {
  unknown: 0,
  accepted: 1,
  submitted: 2,
  failed: 3,
  expired: 4,
  undeliverable: 5,
  rejected: 6,
  delivered: 7,
  read: 8
}

/**
 * The states that end a message's life without delivery.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isFailure = (state: State): state is "rejected" | "undeliverable" | "expired" | "failed" =>
  state === "rejected" || state === "undeliverable" || state === "expired" || state === "failed"

/**
 * Whether the state proves delivery (`read` implies delivered).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isDelivered = (state: State): state is "delivered" | "read" => state === "delivered" || state === "read"

/**
 * Whether the state has reached at least `target` on the success path (`accepted`, `delivered`, `read`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const reaches = (state: State, target: "accepted" | "submitted" | "delivered" | "read"): boolean =>
  !isFailure(state) && state !== "unknown" && rank[state] >= rank[target]

/**
 * A status report about one provider message, as a webhook delivers it.
 *
 * @since 0.1.0
 * @category models
 */
export class StatusUpdate extends Schema.TaggedClass<StatusUpdate>("@switchboard/core/Status/StatusUpdate")(
  "StatusUpdate",
  {
    channel: Schema.String,
    /** The provider's id of the message (or of one SMS part). */
    providerMessageId: Schema.String,
    /** Our message id, when the provider echoes it back (client reference). */
    messageId: Schema.optional(MessageId),
    state: State,
    at: Schema.DateTimeUtc,
    /** The provider's raw status or error code. */
    providerCode: Schema.optional(Schema.String),
    /** The provider's raw status or error text. */
    providerText: Schema.optional(Schema.String),
    price: Schema.optional(Amount),
    currency: Schema.optional(Schema.String),
    network: Schema.optional(Schema.String),
    /** The recipient's address as the provider reports it. */
    recipient: Schema.optional(Schema.String)
  }
) {}

/**
 * The merged status of a message.
 *
 * @since 0.1.0
 * @category models
 */
export class Status extends Schema.Class<Status>("@switchboard/core/Status")({
  state: State,
  /** When the provider reported the winning state. */
  at: Schema.DateTimeUtc,
  providerCode: Schema.optional(Schema.String),
  providerText: Schema.optional(Schema.String),
  /** The earliest proof of delivery (a delivered or a read report). */
  deliveredAt: Schema.optional(Schema.DateTimeUtc),
  /** The earliest read report. */
  readAt: Schema.optional(Schema.DateTimeUtc)
}) {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  state: State,
  at: DateTime.Utc,
  provider?: { readonly code?: string | undefined; readonly text?: string | undefined }
): Status =>
  new Status({
    state,
    at,
    ...(provider?.code === undefined ? {} : { providerCode: provider.code }),
    ...(provider?.text === undefined ? {} : { providerText: provider.text }),
    ...(isDelivered(state) ? { deliveredAt: at } : {}),
    ...(state === "read" ? { readAt: at } : {})
  })

/**
 * The status a single update reports.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromUpdate = (update: StatusUpdate): Status =>
  make(update.state, update.at, { code: update.providerCode, text: update.providerText })

const optionalString: Order.Order<string | undefined> = (a, b) =>
  a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : a < b ? -1 : 1

/**
 * The total order that decides which report wins: higher rank, then earlier report, then provider code and
 * text.
 *
 * @since 0.1.0
 * @category instances
 */
export const Precedence: Order.Order<Status> = Order.combineAll([
  Order.mapInput(Order.number, (s: Status) => rank[s.state]),
  Order.reverse(Order.mapInput(DateTime.Order, (s: Status) => s.at)),
  Order.mapInput(optionalString, (s: Status) => s.providerCode),
  Order.mapInput(optionalString, (s: Status) => s.providerText)
])

const earliest = (a: DateTime.Utc | undefined, b: DateTime.Utc | undefined): DateTime.Utc | undefined =>
  a === undefined ? b : b === undefined ? a : DateTime.min(a, b)

// The proof of delivery and of reading a status carries, also when it was built without `deliveredAt` or
// `readAt` (decoded from storage, or made with `new Status`): a `read` or `delivered` state proves itself.
const deliveredAtOf = (s: Status): DateTime.Utc | undefined =>
  earliest(earliest(s.deliveredAt, s.readAt), isDelivered(s.state) ? s.at : undefined)

const readAtOf = (s: Status): DateTime.Utc | undefined => earliest(s.readAt, s.state === "read" ? s.at : undefined)

/**
 * Merges two statuses of the same message. Commutative, associative and idempotent. `deliveredAt` and
 * `readAt` are the earliest proofs either side carries, a `delivered` or `read` state counting as proof at
 * its `at` even when the status was built without them.
 *
 * @since 0.1.0
 * @category combinators
 */
export const merge = (a: Status, b: Status): Status => {
  const winner = Order.max(Precedence)(a, b)
  const deliveredAt = earliest(deliveredAtOf(a), deliveredAtOf(b))
  const readAt = earliest(readAtOf(a), readAtOf(b))
  return new Status({
    state: winner.state,
    at: winner.at,
    ...(winner.providerCode === undefined ? {} : { providerCode: winner.providerCode }),
    ...(winner.providerText === undefined ? {} : { providerText: winner.providerText }),
    ...(deliveredAt === undefined ? {} : { deliveredAt }),
    ...(readAt === undefined ? {} : { readAt })
  })
}

/**
 * Folds any number of statuses; `None` for none.
 *
 * @since 0.1.0
 * @category combinators
 */
export const mergeAll = (statuses: Iterable<Status>): Option.Option<Status> => {
  const all = Array.fromIterable(statuses)
  return Array.isNonEmptyReadonlyArray(all) ? Option.some(Array.reduce(all, all[0], merge)) : Option.none()
}
