import { assert, describe, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as fc from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Status from "../src/Status.js"

const t0 = DateTime.unsafeMake("2026-01-01T10:00:00Z")
const at = (seconds: number) => DateTime.add(t0, { seconds })

// Few distinct times, codes and texts, so ties on every field happen often.
const status: fc.Arbitrary<Status.Status> = fc
  .record({
    state: fc.constantFrom(...Status.State.literals),
    seconds: fc.integer({ min: 0, max: 5 }),
    code: fc.option(fc.constantFrom("0", "1", "DELIVRD", "UNDELIV"), { nil: undefined }),
    text: fc.option(fc.constantFrom("ok", "Absent subscriber", "Expired"), { nil: undefined })
  })
  .map(({ code, seconds, state, text }) => Status.make(state, at(seconds), { code, text }))

const encode = Schema.encodeSync(Status.Status)
const same = (a: Status.Status, b: Status.Status) => assert.deepStrictEqual(encode(a), encode(b))

const fold = (statuses: ReadonlyArray<Status.Status>) => Option.getOrThrow(Status.mergeAll(statuses))

// A list of updates, and the same updates in another order with some of them repeated.
const permutedWithDuplicates = fc
  .array(status, { minLength: 1, maxLength: 12 })
  .chain((updates) =>
    fc.tuple(
      fc.constant(updates),
      fc.shuffledSubarray(updates, { minLength: updates.length, maxLength: updates.length }),
      fc.array(fc.integer({ min: 0, max: updates.length - 1 }), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 6 })
    )
  )
  .map(([updates, shuffled, repeats, positions]) => {
    const replay = [...shuffled]
    repeats.forEach((index, i) => replay.splice((positions[i] ?? 0) % (replay.length + 1), 0, updates[index]!))
    return [updates, replay] as const
  })

const inFlight = ["unknown", "accepted", "submitted"] as const
const failures = ["rejected", "undeliverable", "expired", "failed"] as const

describe("Status", () => {
  describe("merge", () => {
    it.prop("any permutation of the same updates, with duplicates, merges to the same status", [permutedWithDuplicates], ([[updates, replay]]) => {
      same(fold(updates), fold(replay))
    })

    it.prop("is commutative", [status, status], ([a, b]) => {
      same(Status.merge(a, b), Status.merge(b, a))
    })

    it.prop("is associative", [status, status, status], ([a, b, c]) => {
      same(Status.merge(Status.merge(a, b), c), Status.merge(a, Status.merge(b, c)))
    })

    it.prop("is idempotent", [status, status], ([a, b]) => {
      same(Status.merge(a, a), a)
      const ab = Status.merge(a, b)
      same(Status.merge(ab, b), ab)
      same(Status.merge(ab, a), ab)
    })

    it.prop("never moves a message backwards", [status, status], ([a, b]) => {
      const merged = Status.merge(a, b)
      assert.isTrue(Status.Precedence(merged, a) >= 0 && Status.Precedence(merged, b) >= 0)
    })

    it.prop("a terminal failure sticks against in-flight states, whatever arrives later", [
      fc.constantFrom(...failures),
      fc.constantFrom(...inFlight),
      fc.integer({ min: -3600, max: 3600 })
    ], ([failure, flight, offset]) => {
      const failed = Status.make(failure, t0, { code: "5", text: "Absent subscriber" })
      const late = Status.make(flight, at(offset))
      const merged = Status.merge(late, failed)
      assert.strictEqual(merged.state, failure)
      assert.strictEqual(merged.providerCode, "5")
      assert.strictEqual(merged.providerText, "Absent subscriber")
      assert.isTrue(DateTime.Equivalence(merged.at, t0))
    })

    it("lets proof of delivery outrank a failure reported before a provider's own retry succeeded", () => {
      const merged = Status.merge(Status.make("failed", at(1)), Status.make("delivered", at(2)))
      assert.strictEqual(merged.state, "delivered")
      assert.strictEqual(Status.merge(Status.make("read", at(3)), Status.make("expired", at(4))).state, "read")
    })

    it("keeps the earliest report of the winning state, with its provider code and text", () => {
      const first = Status.make("delivered", at(1), { code: "0", text: "first" })
      const duplicate = Status.make("delivered", at(5), { code: "0", text: "duplicate" })
      same(Status.merge(duplicate, first), first)
      same(Status.merge(first, duplicate), first)
    })

    it.prop("read implies delivered: deliveredAt is set, no later than readAt", [fc.array(status, { minLength: 1, maxLength: 10 })], ([updates]) => {
      const merged = fold(updates)
      if (updates.some((u) => u.state === "read")) {
        assert.isDefined(merged.readAt)
        assert.isDefined(merged.deliveredAt)
        assert.isTrue(DateTime.lessThanOrEqualTo(merged.deliveredAt!, merged.readAt!))
      }
      if (Status.isDelivered(merged.state)) assert.isDefined(merged.deliveredAt)
      if (merged.state === "read") assert.isDefined(merged.readAt)
    })

    it("sets deliveredAt from a read receipt that arrives without a delivery report", () => {
      const merged = Status.merge(Status.make("submitted", at(0)), Status.make("read", at(9)))
      assert.strictEqual(merged.state, "read")
      assert.isTrue(DateTime.Equivalence(merged.deliveredAt!, at(9)))
      assert.isTrue(DateTime.Equivalence(merged.readAt!, at(9)))
    })

    it("keeps the earliest proof of delivery across read and delivered reports", () => {
      const merged = fold([Status.make("read", at(9)), Status.make("delivered", at(4)), Status.make("read", at(7))])
      assert.strictEqual(merged.state, "read")
      assert.isTrue(DateTime.Equivalence(merged.deliveredAt!, at(4)))
      assert.isTrue(DateTime.Equivalence(merged.readAt!, at(7)))
      assert.isTrue(DateTime.Equivalence(merged.at, at(7)))
    })

    // Statuses built without the helpers (decoded from storage, `new Status`), with any optional fields.
    const raw: fc.Arbitrary<Status.Status> = fc
      .record({
        state: fc.constantFrom(...Status.State.literals),
        seconds: fc.integer({ min: 0, max: 5 }),
        delivered: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        read: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined })
      })
      .map(({ delivered, read, seconds, state }) =>
        new Status.Status({
          state,
          at: at(seconds),
          ...(delivered === undefined ? {} : { deliveredAt: at(delivered) }),
          ...(read === undefined ? {} : { readAt: at(read) })
        })
      )

    it.prop("keeps its laws for statuses built without the helpers", [raw, raw, raw], ([a, b, c]) => {
      same(Status.merge(a, b), Status.merge(b, a))
      same(Status.merge(Status.merge(a, b), c), Status.merge(a, Status.merge(b, c)))
      const ab = Status.merge(a, b)
      same(Status.merge(ab, ab), ab)
      same(Status.merge(ab, a), ab)
      if (Status.isDelivered(ab.state)) assert.isDefined(ab.deliveredAt)
      if (ab.state === "read") assert.isDefined(ab.readAt)
    })

    it("derives deliveredAt and readAt from a read status stored without them", () => {
      const bare = new Status.Status({ state: "read", at: at(4) })
      const merged = Status.merge(bare, Status.make("submitted", at(1)))
      assert.strictEqual(merged.state, "read")
      assert.isTrue(DateTime.Equivalence(merged.deliveredAt!, at(4)))
      assert.isTrue(DateTime.Equivalence(merged.readAt!, at(4)))
    })

    it("mergeAll of nothing is None", () => {
      assert.isTrue(Option.isNone(Status.mergeAll([])))
    })
  })

  describe("predicates", () => {
    it("reaches follows the success path only", () => {
      const table: ReadonlyArray<readonly [Status.State, ReadonlyArray<"accepted" | "submitted" | "delivered" | "read">]> = [
        ["unknown", []],
        ["accepted", ["accepted"]],
        ["submitted", ["accepted", "submitted"]],
        ["delivered", ["accepted", "submitted", "delivered"]],
        ["read", ["accepted", "submitted", "delivered", "read"]],
        ["rejected", []],
        ["undeliverable", []],
        ["expired", []],
        ["failed", []]
      ]
      for (const [state, reached] of table) {
        for (const target of ["accepted", "submitted", "delivered", "read"] as const) {
          assert.strictEqual(Status.reaches(state, target), reached.includes(target), `${state} reaches ${target}`)
        }
      }
    })

    it("isFailure and isDelivered partition the terminal states", () => {
      assert.deepStrictEqual(Status.State.literals.filter(Status.isFailure), [...failures])
      assert.deepStrictEqual(Status.State.literals.filter(Status.isDelivered), ["delivered", "read"])
    })
  })

  describe("fromUpdate", () => {
    it("keeps the provider's raw code and text", () => {
      const update = new Status.StatusUpdate({
        channel: "sms.vonage",
        providerMessageId: "0A0000001",
        state: "undeliverable",
        at: at(3),
        providerCode: "1",
        providerText: "Unknown subscriber"
      })
      same(
        Status.fromUpdate(update),
        Status.make("undeliverable", at(3), { code: "1", text: "Unknown subscriber" })
      )
    })
  })
})
