import { assert, describe, it } from "@effect/vitest"
import * as Status from "@switchboard/core/Status"
import * as DateTime from "effect/DateTime"
import * as fc from "effect/FastCheck"
import * as Option from "effect/Option"
import { decide } from "../src/internal/decide.js"

// When a step's receipts settle it: every part must reach the awaited state; a part that ends in a terminal
// failure (with no proof of delivery) fails the step; anything else keeps waiting.

const update = (part: string, state: Status.State, at = 0) =>
  new Status.StatusUpdate({ channel: "sms", providerMessageId: part, state, at: DateTime.unsafeMake(1_700_000_000_000 + at) })

const settled = (ids: ReadonlyArray<string>, updates: ReadonlyArray<Status.StatusUpdate>, on: "delivered" | "read") =>
  Option.match(decide(ids, updates, on), { onNone: () => "waiting", onSome: (d) => `${d.result}:${d.status.state}` })

describe("decide", () => {
  it("waits for every part of a multi-part SMS", () => {
    assert.strictEqual(settled(["p1", "p2"], [], "delivered"), "waiting")
    assert.strictEqual(settled(["p1", "p2"], [update("p1", "delivered")], "delivered"), "waiting")
    assert.strictEqual(settled(["p1", "p2"], [update("p1", "delivered"), update("p2", "submitted")], "delivered"), "waiting")
    assert.strictEqual(settled(["p1", "p2"], [update("p1", "delivered"), update("p2", "delivered")], "delivered"), "success:delivered")
  })

  it("fails on a part's terminal failure, unless that part was delivered after all", () => {
    assert.strictEqual(settled(["p1", "p2"], [update("p1", "delivered"), update("p2", "undeliverable")], "delivered"), "failure:undeliverable")
    assert.strictEqual(settled(["p1"], [update("p1", "expired"), update("p1", "delivered", 5)], "delivered"), "success:delivered")
  })

  it("counts read as delivered, and reports the least advanced part", () => {
    assert.strictEqual(settled(["p1"], [update("p1", "read")], "delivered"), "success:read")
    assert.strictEqual(settled(["p1", "p2"], [update("p1", "read"), update("p2", "delivered")], "delivered"), "success:delivered")
    assert.strictEqual(settled(["p1"], [update("p1", "delivered")], "read"), "waiting")
  })

  it("ignores reports about other messages", () => {
    assert.strictEqual(settled(["p1"], [update("other", "delivered")], "delivered"), "waiting")
  })

  const state = fc.constantFrom(...Status.State.literals)
  const reports = fc.array(fc.record({ part: fc.constantFrom("p1", "p2", "p3"), state, at: fc.integer({ min: 0, max: 100 }) }), {
    maxLength: 12
  })

  it.prop("does not depend on the order or repetition of reports", [reports, fc.constantFrom("delivered" as const, "read" as const)], ([all, on]) => {
    const updates = all.map((r) => update(r.part, r.state, r.at))
    const reversed = [...updates].reverse()
    const doubled = [...updates, ...updates]
    const expected = settled(["p1", "p2"], updates, on)
    assert.strictEqual(settled(["p1", "p2"], reversed, on), expected)
    assert.strictEqual(settled(["p1", "p2"], doubled, on), expected)
  })
})
