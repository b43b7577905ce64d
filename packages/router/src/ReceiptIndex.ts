/**
 * The durable index the router uses to match status reports to messages: which provider message ids belong
 * to which message and step, which status reports have arrived for each provider id, and which steps routing
 * has given up on (so a success that arrives later is recorded as a late delivery).
 *
 * Reports that arrive before the send that caused them has been indexed (fast providers call webhooks
 * before the HTTP response is read) are kept and matched when the send is indexed: both `track` and
 * `record` write first and read second, so whichever comes last sees the other.
 *
 * `layerMemory` for tests and the in-memory engine; `layerSql` for the durable engines (SQLite, PostgreSQL).
 *
 * @example
 * ```ts
 * import { ReceiptIndex } from "@switchboard/router"
 * import { Effect } from "effect"
 *
 * const whoIs = (providerMessageId: string) =>
 *   Effect.flatMap(ReceiptIndex.ReceiptIndex, (index) => index.lookup(providerMessageId))
 * ```
 *
 * @since 0.1.0
 */
import type { MigrationError } from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Status from "@switchboard/core/Status"
import * as Array from "effect/Array"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Migrations from "./internal/migrations.js"

/**
 * A step whose send the router is waiting on.
 *
 * @since 0.1.0
 * @category models
 */
export class TrackedStep extends Schema.Class<TrackedStep>("@switchboard/router/ReceiptIndex/TrackedStep")({
  messageId: Schema.String,
  /** 1-based. */
  step: Schema.Int,
  /** The workflow execution waiting for it. */
  executionId: Schema.String,
  channel: Schema.String,
  /** What the step waits for; `accepted` steps are indexed only so their status reports are logged. */
  successOn: Schema.Literal("accepted", "delivered", "read"),
  providerMessageIds: Schema.NonEmptyArray(Schema.String),
  /** Routing gave up on the step (deadline or failure status) and moved on. */
  abandoned: Schema.Boolean
}) {}

/**
 * What `record` found out about a status report.
 *
 * @since 0.1.0
 * @category models
 */
export interface Recorded {
  /** False for a duplicate of a report already recorded. */
  readonly isNew: boolean
  /** The step the report belongs to, when its send is indexed. */
  readonly step: Option.Option<TrackedStep>
  /** Every report recorded for the step's provider ids (or for the report's provider id). */
  readonly updates: ReadonlyArray<Status.StatusUpdate>
}

/**
 * The index's storage failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class ReceiptIndexError
  extends Schema.TaggedError<ReceiptIndexError>("@switchboard/router/ReceiptIndex/ReceiptIndexError")(
    "ReceiptIndexError",
    {
      message: Schema.String,
      cause: Schema.optional(Schema.Defect)
    }
  )
{}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Indexes a step's provider ids (idempotent) and returns the reports already recorded for them.
   */
  readonly track: (
    step: Omit<TrackedStep, "abandoned">
  ) => Effect.Effect<ReadonlyArray<Status.StatusUpdate>, ReceiptIndexError>
  /** Records a status report (idempotent) and says which step it belongs to. */
  readonly record: (update: Status.StatusUpdate) => Effect.Effect<Recorded, ReceiptIndexError>
  /** Marks a step as given up on, and returns the reports recorded for it. */
  readonly abandon: (
    messageId: string,
    step: number
  ) => Effect.Effect<ReadonlyArray<Status.StatusUpdate>, ReceiptIndexError>
  /** The step a provider message id belongs to. */
  readonly lookup: (providerMessageId: string) => Effect.Effect<Option.Option<TrackedStep>, ReceiptIndexError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ReceiptIndex extends Context.Tag("@switchboard/router/ReceiptIndex")<ReceiptIndex, Service>() {}

/**
 * The key that makes two deliveries of the same report one: provider id, state, time and provider code.
 *
 * @since 0.1.0
 * @category models
 */
export const updateKey = (update: Status.StatusUpdate): string =>
  `${update.providerMessageId}|${update.state}|${DateTime.toEpochMillis(update.at)}|${update.providerCode ?? ""}`

// -----------------------------------------------------------------------------
// memory
// -----------------------------------------------------------------------------

interface MemoryState {
  readonly steps: Map<string, TrackedStep>
  readonly providerIds: Map<string, string>
  readonly updates: Map<string, Array<Status.StatusUpdate>>
  readonly updateKeys: Set<string>
}

const stepKey = (messageId: string, step: number) => `${messageId}#${step}`

/**
 * An in-memory index.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory: Effect.Effect<Service> = Effect.gen(function*() {
  const state = yield* Ref.make<MemoryState>({
    steps: new Map(),
    providerIds: new Map(),
    updates: new Map(),
    updateKeys: new Set()
  })
  const updatesFor = (s: MemoryState, ids: ReadonlyArray<string>) => ids.flatMap((id) => s.updates.get(id) ?? [])

  return ReceiptIndex.of({
    track: (step) =>
      Ref.modify(state, (s) => {
        const key = stepKey(step.messageId, step.step)
        if (!s.steps.has(key)) s.steps.set(key, new TrackedStep({ ...step, abandoned: false }))
        for (const id of step.providerMessageIds) {
          if (!s.providerIds.has(id)) s.providerIds.set(id, key)
        }
        return [updatesFor(s, step.providerMessageIds), s] as const
      }),
    record: (update) =>
      Ref.modify(state, (s): readonly [Recorded, MemoryState] => {
        const key = updateKey(update)
        const isNew = !s.updateKeys.has(key)
        if (isNew) {
          s.updateKeys.add(key)
          const list = s.updates.get(update.providerMessageId) ?? []
          list.push(update)
          s.updates.set(update.providerMessageId, list)
        }
        const step = Option.fromNullable(s.providerIds.get(update.providerMessageId)).pipe(
          Option.flatMap((key) => Option.fromNullable(s.steps.get(key)))
        )
        const ids = Option.match(step, {
          onNone: () => [update.providerMessageId],
          onSome: (step) => step.providerMessageIds
        })
        return [{ isNew, step, updates: updatesFor(s, ids) }, s] as const
      }),
    abandon: (messageId, step) =>
      Ref.modify(state, (s) => {
        const key = stepKey(messageId, step)
        const tracked = s.steps.get(key)
        if (tracked === undefined) return [[] as ReadonlyArray<Status.StatusUpdate>, s] as const
        s.steps.set(key, new TrackedStep({ ...tracked, abandoned: true }))
        return [updatesFor(s, tracked.providerMessageIds), s] as const
      }),
    lookup: (providerMessageId) =>
      Effect.map(Ref.get(state), (s) =>
        Option.fromNullable(s.providerIds.get(providerMessageId)).pipe(
          Option.flatMap((key) => Option.fromNullable(s.steps.get(key)))
        ))
  })
})

/**
 * An in-memory index.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<ReceiptIndex> = Layer.effect(ReceiptIndex, makeMemory)

// -----------------------------------------------------------------------------
// sql
// -----------------------------------------------------------------------------

const UpdateJson = Schema.parseJson(Status.StatusUpdate)
const encodeUpdate = Schema.encode(UpdateJson)
const decodeUpdate = Schema.decodeUnknown(UpdateJson)
const IdsJson = Schema.parseJson(Schema.NonEmptyArray(Schema.String))
const decodeIds = Schema.decodeUnknown(IdsJson)
const decodeSuccessOn = Schema.decodeUnknown(Schema.Literal("accepted", "delivered", "read"))

interface StepRow {
  readonly message_id: string
  readonly step: unknown
  readonly execution_id: string
  readonly channel: string
  readonly success_on: string
  readonly provider_message_ids: string
  readonly abandoned: unknown
}

const failure = (what: string) => (cause: unknown) =>
  new ReceiptIndexError({ message: `receipt index: ${what} failed`, cause })

/**
 * An index in SQL tables (`<prefix>_steps`, `<prefix>_provider_ids`, `<prefix>_statuses`; the prefix
 * defaults to `switchboard_router`). Runs its migrations first.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSql = (options?: { readonly prefix?: string | undefined }): Effect.Effect<
  Service,
  SqlError | MigrationError,
  SqlClient.SqlClient
> =>
  Effect.gen(function*() {
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    const prefix = options?.prefix ?? "switchboard_router"
    yield* Migrations.runIndex(prefix)
    const steps = sql(`${prefix}_steps`)
    const providerIds = sql(`${prefix}_provider_ids`)
    const statuses = sql(`${prefix}_statuses`)

    const stepFromRow = (row: StepRow) =>
      Effect.all({ ids: decodeIds(row.provider_message_ids), successOn: decodeSuccessOn(row.success_on) }).pipe(
        Effect.map(({ ids, successOn }) =>
          new TrackedStep({
            messageId: row.message_id,
            step: Number(row.step),
            executionId: row.execution_id,
            channel: row.channel,
            successOn,
            providerMessageIds: ids,
            abandoned: Number(row.abandoned) !== 0
          })
        )
      )

    const updatesFor = (ids: ReadonlyArray<string>) =>
      Array.isNonEmptyReadonlyArray(ids)
        ? sql<{ data: string }>`SELECT data FROM ${statuses} WHERE ${sql.in("provider_message_id", ids)} ORDER BY seq`
          .pipe(Effect.flatMap(Effect.forEach((row) => decodeUpdate(row.data))))
        : Effect.succeed([])

    const stepFor = (providerMessageId: string) =>
      sql<StepRow>`
        SELECT s.message_id, s.step, s.execution_id, s.channel, s.success_on, s.provider_message_ids, s.abandoned
        FROM ${providerIds} p JOIN ${steps} s ON s.message_id = p.message_id AND s.step = p.step
        WHERE p.provider_message_id = ${providerMessageId}`.pipe(
        Effect.flatMap((rows) => rows[0] === undefined ? Effect.succeedNone : Effect.asSome(stepFromRow(rows[0])))
      )

    // No transaction: every insert is idempotent, and lookups join the provider ids to the step row, so a
    // crash between them leaves nothing half-visible; the workflow repeats an unfinished track.
    const track = (step: Omit<TrackedStep, "abandoned">) =>
      Effect.gen(function*() {
        for (const id of step.providerMessageIds) {
          yield* sql`
            INSERT INTO ${providerIds} (provider_message_id, message_id, step)
            VALUES (${id}, ${step.messageId}, ${step.step})
            ON CONFLICT (provider_message_id) DO NOTHING`
        }
        const ids = JSON.stringify(step.providerMessageIds)
        yield* sql`
          INSERT INTO ${steps} (message_id, step, execution_id, channel, success_on, provider_message_ids, abandoned)
          VALUES (${step.messageId}, ${step.step}, ${step.executionId}, ${step.channel}, ${step.successOn}, ${ids}, 0)
          ON CONFLICT (message_id, step) DO NOTHING`
        return yield* updatesFor(step.providerMessageIds)
      }).pipe(Effect.mapError(failure("track")))

    const record = (update: Status.StatusUpdate) =>
      Effect.gen(function*() {
        const data = yield* encodeUpdate(update)
        const inserted = yield* sql<{ seq: unknown }>`
          INSERT INTO ${statuses} (provider_message_id, update_key, data)
          VALUES (${update.providerMessageId}, ${updateKey(update)}, ${data})
          ON CONFLICT (update_key) DO NOTHING
          RETURNING seq`
        const step = yield* stepFor(update.providerMessageId)
        const updates = yield* updatesFor(Option.match(step, {
          onNone: () => [update.providerMessageId],
          onSome: (step) => step.providerMessageIds
        }))
        return { isNew: inserted.length > 0, step, updates } satisfies Recorded
      }).pipe(Effect.mapError(failure("record")))

    const abandon = (messageId: string, step: number) =>
      Effect.gen(function*() {
        yield* sql`UPDATE ${steps} SET abandoned = 1 WHERE message_id = ${messageId} AND step = ${step}`
        const rows = yield* sql<StepRow>`
          SELECT message_id, step, execution_id, channel, success_on, provider_message_ids, abandoned
          FROM ${steps} WHERE message_id = ${messageId} AND step = ${step}`
        if (rows[0] === undefined) return []
        const tracked = yield* stepFromRow(rows[0])
        return yield* updatesFor(tracked.providerMessageIds)
      }).pipe(Effect.mapError(failure("abandon")))

    return ReceiptIndex.of({
      track,
      record,
      abandon,
      lookup: (id) => Effect.mapError(stepFor(id), failure("lookup"))
    })
  })

/**
 * An index in SQL tables, on whatever `SqlClient` is provided.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSql = (options?: { readonly prefix?: string | undefined }): Layer.Layer<
  ReceiptIndex,
  SqlError | MigrationError,
  SqlClient.SqlClient
> => Layer.effect(ReceiptIndex, makeSql(options))
