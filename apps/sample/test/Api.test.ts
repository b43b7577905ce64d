import { assert, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Support from "./support.js"

const text = (t: string) => ({ type: "text", text: t })

layer(Support.layer(), { excludeTestServices: true, timeout: "120 seconds" })("HTTP API end to end on the simulator", (it) => {
  it.effect("sends down every fallback path and records each timeline", () =>
    Effect.gen(function*() {
      const gateway = yield* Support.Gateway
      const base = gateway.url
      const send = (body: unknown) =>
        Effect.map(Support.postJson(base, "/messages", body), (answer) => {
          assert.strictEqual(answer.status, 202, answer.text)
          assert.strictEqual(answer.body.status, "pending")
          assert.strictEqual(answer.body.links.self, `/messages/${answer.body.id}`)
          return answer.body.id as string
        })
      const paths = [
        { to: "+447911123456", expect: ["read", "whatsapp"] }, // WhatsApp read
        { to: "+447911123100", expect: ["delivered", "viber"] }, // WhatsApp undeliverable → Viber
        { to: "+447911123200", expect: ["delivered", "sms.vonage"] }, // Viber silent → SMS through Vonage
        { to: "+31612340200", expect: ["delivered", "sms.kpn"] } // Viber silent → SMS through KPN (Dutch mobile)
      ]
      const views = yield* Effect.forEach(paths, (p) =>
        Effect.flatMap(send({ to: p.to, content: text("Your parcel arrives today") }), (id) => Support.awaitOutcome(base, id)), {
        concurrency: "unbounded"
      })
      const image = yield* Effect.flatMap(
        send({
          to: { phone: "0612345678", country: "NL" },
          content: { type: "image", url: "https://example.com/parcel.jpg" },
          route: {
            name: "sms-then-whatsapp",
            steps: [
              { channel: "sms.kpn", successOn: "delivered", within: "1 minute" },
              { channel: "whatsapp", successOn: "read", within: "30 seconds" }
            ]
          }
        }),
        (id) => Support.awaitOutcome(base, id)
      )

      // Messenger knows people by their page-scoped id, not by phone number
      const messenger = yield* Effect.flatMap(
        send({
          to: { messengerId: "4527839173625487" },
          content: text("Your order ships tomorrow"),
          route: { name: "messenger", steps: [{ channel: "messenger", successOn: "read", within: "30 seconds" }] }
        }),
        (id) => Support.awaitOutcome(base, id)
      )

      for (const [index, view] of views.entries()) {
        assert.deepStrictEqual([view.status, view.outcome.channel], paths[index]!.expect, JSON.stringify(Support.kinds(view)))
        assert.strictEqual(view.route, "default")
        assert.strictEqual(view.timeline[0].kind, "Accepted")
        // one outcome; status reports that arrive after routing ended (a read after delivered) are logged after it
        const kinds: Array<string> = Support.kinds(view)
        assert.strictEqual(kinds.filter((k) => k === "Outcome").length, 1, JSON.stringify(kinds))
        const after = kinds.slice(kinds.indexOf("Outcome") + 1)
        assert.isTrue(after.every((k) => k === "Status" || k === "LateDelivery"), JSON.stringify(kinds))
      }
      const [read, viber, vonage, kpn] = views
      assert.deepStrictEqual(Support.kinds(read), ["Accepted", "Attempt", "Receipt", "Status", "Status", "Status", "Outcome"])
      assert.includeMembers(Support.kinds(viber), ["Fallback"])
      const fallback = viber.timeline.find((e: any) => e.kind === "Fallback")
      assert.match(fallback.description, /whatsapp.*viber.*undeliverable/)
      assert.includeMembers(Support.kinds(vonage), ["DeadlineExpired", "StepSkipped"])
      assert.match(vonage.timeline.find((e: any) => e.kind === "StepSkipped").description, /sms\.kpn.*\+316/)
      assert.includeMembers(Support.kinds(kpn), ["DeadlineExpired"])
      assert.notInclude(Support.kinds(kpn), "StepSkipped")
      // the image could not go by SMS: skipped before any I/O, then WhatsApp read it
      assert.deepStrictEqual([image.status, image.outcome.channel, image.route], ["read", "whatsapp", "sms-then-whatsapp"])
      assert.deepStrictEqual([messenger.status, messenger.outcome.channel], ["read", "messenger"], JSON.stringify(Support.kinds(messenger)))
      const skipped = image.timeline.find((e: any) => e.kind === "StepSkipped")
      assert.strictEqual(skipped.event.error, "UnsupportedContent")

      // the traffic really went through the simulator's provider APIs
      const sent = yield* gateway.simulator!.messages
      const apis = new Set(sent.map((m) => `${m.api}/${m.channel}`))
      for (const api of ["messages/whatsapp", "messages/viber_service", "vonage-sms/sms", "kpn-sms/sms"]) {
        assert.isTrue(apis.has(api), `${api} in ${[...apis].join(", ")}`)
      }
      assert.isFalse(sent.some((m) => m.api === "kpn-sms" && m.to.includes("447911")), "KPN only gets Dutch mobiles")

      // the list sees them, filtered and paged
      const all = yield* Support.call(base, "/messages?limit=100")
      assert.strictEqual(all.status, 200)
      assert.isAtLeast(all.body.items.length, 5)
      const readOnes = yield* Support.call(base, "/messages?status=read&limit=100")
      assert.isTrue(readOnes.body.items.every((s: any) => s.status === "read"))
      assert.includeMembers(readOnes.body.items.map((s: any) => s.messageId), [read.id, image.id])
      const byKpn = yield* Support.call(base, "/messages?channel=sms.kpn")
      assert.deepStrictEqual(byKpn.body.items.map((s: any) => s.messageId), [kpn.id])
      const first = yield* Support.call(base, "/messages?limit=2")
      assert.strictEqual(first.body.items.length, 2)
      assert.isString(first.body.next)
      const second = yield* Support.call(base, `/messages?limit=2&cursor=${first.body.next}`)
      assert.strictEqual(second.body.items.length, 2)
      assert.notInclude(first.body.items.map((s: any) => s.messageId), second.body.items[0].messageId)

      // metrics count what happened, by channel and outcome
      const metrics = yield* Support.call(base, "/metrics")
      assert.strictEqual(metrics.status, 200)
      assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain/)
      assert.match(metrics.text, /switchboard_messages_total\{channel="whatsapp",outcome="read"\} 2/)
      assert.match(metrics.text, /switchboard_fallbacks_total\{from="whatsapp",to="viber"\} 3/)
      assert.match(metrics.text, /switchboard_receipt_deadlines_expired_total\{channel="viber",awaited="delivered"\} 2/)
      assert.match(metrics.text, /switchboard_webhooks_total\{endpoint="vonageMessagesStatus",status="200"\}/)
      assert.match(metrics.text, /# TYPE switchboard_message_duration_ms histogram/)
      assert.notInclude(metrics.text, Support.signingSecret)
      assert.notInclude(metrics.text, "switchboard-demo-secret")
    }))

  it.effect("the idempotency key holds: the same key sends once and answers with the same id", () =>
    Effect.gen(function*() {
      const { simulator, url } = yield* Support.Gateway
      const to = "+447911123457"
      const body = { to, content: text("Pay €10"), idempotencyKey: "order-42" }
      const first = yield* Support.postJson(url, "/messages", body)
      const again = yield* Support.postJson(url, "/messages", body)
      const byHeader = yield* Support.postJson(url, "/messages", { to, content: text("Pay €10") }, { "idempotency-key": "order-42" })
      assert.strictEqual(first.status, 202)
      assert.isFalse(first.body.duplicate)
      assert.strictEqual(again.status, 202)
      assert.isTrue(again.body.duplicate)
      assert.strictEqual(again.body.id, first.body.id)
      assert.strictEqual(byHeader.body.id, first.body.id)
      const view = yield* Support.awaitOutcome(url, first.body.id)
      assert.strictEqual(view.status, "read")
      const afterwards = yield* Support.postJson(url, "/messages", body)
      assert.deepStrictEqual([afterwards.body.id, afterwards.body.duplicate, afterwards.body.status], [first.body.id, true, "read"])
      const sends = (yield* simulator!.messages).filter((m) => m.to.replace(/^\+?/, "+") === to)
      assert.strictEqual(sends.length, 1, JSON.stringify(sends))
      const other = yield* Support.postJson(url, "/messages", { ...body, idempotencyKey: "order-43" })
      assert.notStrictEqual(other.body.id, first.body.id)
    }))

  it.effect("bad input gets a 400 that says what is wrong, oversize a 413", () =>
    Effect.gen(function*() {
      const { url } = yield* Support.Gateway
      const cases: ReadonlyArray<readonly [RequestInit, number, RegExp]> = [
        [{ method: "POST", headers: { "content-type": "application/json" }, body: "{\"to\": " }, 400, /not valid JSON/],
        [{ method: "POST", headers: { "content-type": "application/json" }, body: "" }, 400, /empty/],
        [{ method: "POST" }, 400, /empty/],
        [{ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: 5, content: text("x") }) }, 400, /to/],
        [{ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: "+31612345678" }) }, 400, /content/],
        [{ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: "0612345678", content: text("x") }) }, 400, /country code/],
        [{ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: "+31612345678", content: text("") }) }, 400, /text/],
        [{ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: "+31612345678", content: text("x"), route: "nope" }) }, 400, /no route named "nope"/],
        [{ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: "+31612345678", content: text("x"), route: { steps: [{ channel: "pigeon" }] } }) }, 400, /no channel "pigeon"/],
        [{ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: "+31612345678", content: text("x"), route: { steps: [{ channel: "sms.vonage", successOn: "read", within: "1 minute" }] } }) }, 400, /reports only delivered/],
        [{ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: {}, content: text("x") }) }, 400, /at least one address/],
        [{ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ to: "+31612345678", content: text("x".repeat(70_000)) }) }, 413, /larger than 65536/]
      ]
      for (const [init, status, message] of cases) {
        const answer = yield* Support.call(url, "/messages", init)
        assert.strictEqual(answer.status, status, `${init.body?.toString().slice(0, 80)} → ${answer.text}`)
        assert.match(answer.body.message, message)
      }
      const missing = yield* Support.call(url, "/messages/no-such-message")
      assert.deepStrictEqual([missing.status, missing.body._tag], [404, "NotFound"])
      const badId = yield* Support.call(url, "/messages/bad%20id")
      assert.strictEqual(badId.status, 400)
      const badFilter = yield* Support.call(url, "/messages?status=lost")
      assert.strictEqual(badFilter.status, 400)
      assert.match(badFilter.body.message, /unknown "lost"/)
      const badLimit = yield* Support.call(url, "/messages?limit=0")
      assert.strictEqual(badLimit.status, 400)
      // and the server is still up
      const health = yield* Support.call(url, "/health")
      assert.strictEqual(health.status, 200)
    }))

  it.effect("serves health, the OpenAPI document, the docs and the dashboard", () =>
    Effect.gen(function*() {
      const { url } = yield* Support.Gateway
      const health = yield* Support.call(url, "/health")
      assert.deepStrictEqual(health.body.channels.slice().sort(), ["messenger", "sms.kpn", "sms.vonage", "viber", "whatsapp"])
      assert.strictEqual(health.body.providers, "simulator")
      assert.includeMembers(health.body.routes, ["default", "sms", "otp"])
      const openapi = yield* Support.call(url, "/openapi.json")
      assert.strictEqual(openapi.body.openapi, "3.1.0")
      for (const p of ["/messages", "/messages/{id}", "/health", "/metrics", "/webhooks/vonage/sms/dlr", "/webhooks/vonage/sms/inbound", "/webhooks/vonage/messages/status", "/webhooks/vonage/messages/inbound", "/webhooks/kpn/sms/dlr", "/webhooks/kpn/sms/inbound"]) {
        assert.property(openapi.body.paths, p)
      }
      assert.property(openapi.body.paths["/messages"].post.responses, "202")
      const docs = yield* Support.call(url, "/docs")
      assert.strictEqual(docs.status, 200)
      assert.match(docs.text, /swagger-ui/)
      const page = yield* Support.call(url, "/")
      assert.match(page.text, /<main>/)
      assert.match(page.text, /<label for="to">/)
    }))
})
