import { assert, describe, it } from "@effect/vitest"
import * as Capabilities from "@switchboard/core/Capabilities"
import * as Content from "@switchboard/core/Content"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import * as Option from "effect/Option"
import * as Route from "../src/Route.js"
import * as TestChannels from "./fixtures/channels.js"

const sms = Capabilities.make({ channel: "sms", outbound: ["Text", "Binary"], inbound: [], address: "phone", receipts: ["delivered"] })
const whatsapp = Capabilities.make({
  channel: "whatsapp",
  outbound: ["Text", "Image", "Template"],
  inbound: [],
  address: "phone",
  receipts: ["delivered", "read"]
})
const fax = Capabilities.make({ channel: "fax", outbound: ["Text"], inbound: [], address: "phone", receipts: [] })
const channels = [sms, whatsapp, fax]

const rejects = (route: Route.Route) => Effect.flip(Route.validate(route, channels))

describe("Route", () => {
  it.effect("decodes a JSON route with defaults and human durations", () =>
    Effect.gen(function*() {
      const route = yield* Route.decodeJson(`{
        "name": "otp",
        "steps": [
          { "channel": "whatsapp", "successOn": "read", "within": "2 minutes", "when": { "content": ["Text"] } },
          { "channel": "sms", "attempts": 3, "backoff": { "initial": 500, "max": "10 seconds" },
            "successOn": "delivered", "within": 600000 },
          { "channel": "fax" }
        ]
      }`)
      assert.strictEqual(route.name, "otp")
      const [first, second, third] = route.steps
      assert.isTrue(Duration.equals(first.within!, Duration.minutes(2)))
      assert.deepStrictEqual(first.when?.content, ["Text"])
      assert.strictEqual(second!.attempts, 3)
      assert.isTrue(Duration.equals(second!.backoff.initial, Duration.millis(500)))
      assert.strictEqual(second!.backoff.factor, 2)
      assert.isTrue(Duration.equals(second!.backoff.max!, Duration.seconds(10)))
      assert.isTrue(Duration.equals(second!.within!, Duration.minutes(10)))
      assert.deepStrictEqual([third!.attempts, third!.successOn], [1, "accepted"])
      assert.isTrue(Duration.equals(third!.backoff.initial, Duration.seconds(1)))
      yield* Route.validate(route, channels)
    }))

  it.effect("says what is wrong with a malformed route", () =>
    Effect.gen(function*() {
      const notJson = yield* Effect.flip(Route.decodeJson("{ steps: "))
      assert.match(notJson.message, /not JSON/)
      const empty = yield* Effect.flip(Route.decode({ steps: [] }))
      assert.match(empty.message, /steps/)
      const soon = yield* Effect.flip(Route.decode({ steps: [{ channel: "sms", successOn: "delivered", within: "soon" }] }))
      assert.match(soon.message, /expected a duration such as 30000 \(milliseconds\) or "30 seconds", got "soon"/)
      const zero = yield* Effect.flip(Route.decode({ steps: [{ channel: "sms", attempts: 0 }] }))
      assert.match(zero.message, /attempts/)
      const typo = yield* Effect.flip(Route.decode({ steps: [{ channel: "sms", sucessOn: "read" }] }))
      assert.match(typo.message, /sucessOn/)
      const unknownStatus = yield* Effect.flip(Route.decode({ steps: [{ channel: "sms", successOn: "seen" }] }))
      assert.match(unknownStatus.message, /successOn/)
    }))

  it.effect("refuses steps that can never succeed, naming the step", () =>
    Effect.gen(function*() {
      const read = yield* rejects(Route.make([{ channel: "whatsapp" }, { channel: "sms", successOn: "read", within: "1 hour" }]))
      assert.deepStrictEqual([read.step, read.channel], [2, "sms"])
      assert.strictEqual(read.message, `step 2 (sms): successOn "read" but sms reports only delivered`)

      const noReceipts = yield* rejects(Route.make([{ channel: "fax", successOn: "delivered", within: "1 hour" }]))
      assert.strictEqual(noReceipts.message, `step 1 (fax): successOn "delivered" but fax reports no receipts`)

      const noDeadline = yield* rejects(Route.make([{ channel: "whatsapp", successOn: "read" }]))
      assert.match(noDeadline.message, /step 1 \(whatsapp\): successOn "read" needs "within"/)

      const zero = yield* rejects(Route.make([{ channel: "whatsapp", successOn: "read", within: 0 }]))
      assert.match(zero.message, /longer than zero/)

      const pointless = yield* rejects(Route.make([{ channel: "sms", within: "1 minute" }]))
      assert.match(pointless.message, /"within" only applies/)

      const unknown = yield* rejects(Route.make([{ channel: "pigeon" }]))
      assert.strictEqual(unknown.message, `step 1 (pigeon): no channel "pigeon" is configured (known: sms, whatsapp, fax)`)

      const images = yield* rejects(Route.make([{ channel: "sms", when: { content: ["Image"] } }]))
      assert.match(images.message, /when.content lists Image, which sms cannot send/)
    }))

  it.effect("explains why a step's condition does not hold", () =>
    Effect.gen(function*() {
      const text = yield* TestChannels.message("c-1")
      const image = yield* TestChannels.message("c-2", { content: Content.image("https://example.com/a.png") })
      const psidOnly = yield* TestChannels.message("c-3", { phone: false })
      const step = (when: Route.StepInput["when"]) => Route.make([{ channel: "sms", when }]).steps[0]
      const reason = (when: Route.StepInput["when"], message: typeof text) => Option.getOrNull(Route.unmet(step(when), message))

      assert.isNull(reason(undefined, text))
      assert.isNull(reason({ content: ["Text"], has: "phone", phonePrefix: ["+316"] }, text))
      assert.match(reason({ content: ["Text"] }, image)!, /applies to Text content and this is Image/)
      assert.match(reason({ has: "phone" }, psidOnly)!, /needs a recipient with a phone address/)
      assert.match(reason({ has: "messenger" }, text)!, /messenger address/)
      assert.match(reason({ phonePrefix: ["+32", "+49"] }, text)!, /starting with \+32 or \+49/)
      assert.match(reason({ phonePrefix: ["+31"] }, psidOnly)!, /starting with \+31/)
      assert.match(reason({ metadata: { tier: "gold" } }, text)!, /needs metadata tier=gold/)
    }))

  const durationMs = fc.integer({ min: 1, max: 7 * 24 * 3600 * 1000 })
  const stepInput: fc.Arbitrary<Route.StepInput> = fc.record({
    channel: fc.constantFrom("sms", "whatsapp", "viber.service", "messenger"),
    attempts: fc.integer({ min: 1, max: 100 }),
    backoff: fc.record({
      initial: durationMs,
      factor: fc.double({ min: 1, max: 10, noNaN: true }),
      max: fc.option(durationMs, { nil: undefined })
    }),
    successOn: fc.constantFrom("accepted" as const, "delivered" as const, "read" as const),
    within: fc.option(durationMs, { nil: undefined }),
    when: fc.option(
      fc.record({
        content: fc.option(fc.subarray(["Text", "Image", "Template"] as const), { nil: undefined }),
        has: fc.option(fc.constantFrom("phone" as const, "messenger" as const, "viber" as const), { nil: undefined }),
        phonePrefix: fc.option(fc.array(fc.stringMatching(/^\+\d{1,4}$/), { maxLength: 3 }), { nil: undefined }),
        metadata: fc.option(fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }), { nil: undefined })
      }),
      { nil: undefined }
    )
  })

  it.prop("survives a trip through JSON unchanged", [fc.array(stepInput, { minLength: 1, maxLength: 5 }), fc.option(fc.string())], ([steps, name]) => {
    const route = Route.make(steps as [Route.StepInput, ...Array<Route.StepInput>], { name: name ?? undefined })
    const encoded = Route.encode(route)
    const decoded = Effect.runSync(Route.decode(JSON.parse(JSON.stringify(encoded))))
    assert.deepStrictEqual(Route.encode(decoded), encoded)
  })
})
