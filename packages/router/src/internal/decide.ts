import * as Status from "@switchboard/core/Status"
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as Order from "effect/Order"
import * as Schema from "effect/Schema"

/**
 * What a step's receipts have settled: success (every part reached the awaited state) or failure (a part
 * reached a terminal failure with no later proof of delivery).
 *
 * @internal
 */
export class Decision extends Schema.Class<Decision>("@switchboard/router/Decision")({
  result: Schema.Literal("success", "failure"),
  status: Status.Status
}) {}

/** @internal */
export const decide = (
  providerMessageIds: ReadonlyArray<string>,
  updates: ReadonlyArray<Status.StatusUpdate>,
  successOn: "delivered" | "read"
): Option.Option<Decision> => {
  const parts: Array<Status.Status> = []
  for (const id of providerMessageIds) {
    const merged = Status.mergeAll(updates.filter((u) => u.providerMessageId === id).map(Status.fromUpdate))
    if (Option.isNone(merged)) {
      parts.push(Status.make("unknown", updates[0]?.at ?? epoch))
      continue
    }
    parts.push(merged.value)
  }
  const failed = parts.find((part) => Status.isFailure(part.state))
  if (failed !== undefined) return Option.some(new Decision({ result: "failure", status: failed }))
  if (parts.length > 0 && parts.every((part) => Status.reaches(part.state, successOn))) {
    // the least advanced part is what the message as a whole has reached
    const least = parts.reduce((a, b) => Order.min(Status.Precedence)(a, b))
    return Option.some(new Decision({ result: "success", status: least }))
  }
  return Option.none()
}

const epoch = DateTime.unsafeMake(0)
