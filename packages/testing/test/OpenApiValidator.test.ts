import { assert, describe, it } from "@effect/vitest"
import { Content, Message, Recipient } from "@switchboard/core"
import { InMemoryChannel, InMemoryWebhook, MockHttpClient, OpenApiValidator } from "@switchboard/testing"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

const openapi = new URL("./fixtures/inmemory.openapi.yml", import.meta.url)
const swagger = new URL("./fixtures/inmemory.swagger.yml", import.meta.url)

const headers = { "content-type": "application/json", "idempotency-key": "msg-1", authorization: "Bearer k" }
const valid = { to: "+31612345678", client_ref: "msg-1", content: { type: "text", text: "Hi" } }

describe("OpenApiValidator", () => {
  describe("load", () => {
    it.effect("resolves the $refs, and every call returns a copy of its own", () =>
      Effect.gen(function*() {
        const first = yield* OpenApiValidator.load(openapi)
        const schema = first["paths"]["/v1/messages"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert.deepStrictEqual(schema["required"], ["to", "client_ref", "content"])
        schema["required"] = []
        const second = yield* OpenApiValidator.load(openapi)
        assert.deepStrictEqual(
          second["paths"]["/v1/messages"]["post"]["requestBody"]["content"]["application/json"]["schema"]["required"],
          ["to", "client_ref", "content"]
        )
      }))

    it.effect("a path relative to the working directory works too", () =>
      Effect.gen(function*() {
        const document = yield* OpenApiValidator.load("test/fixtures/inmemory.swagger.yml")
        assert.strictEqual(document["swagger"], "2.0")
      }))

    it.effect("a missing file, or with validate: true an invalid definition, is an OpenApiError naming it", () =>
      Effect.gen(function*() {
        const missing = yield* Effect.flip(OpenApiValidator.load(new URL("./fixtures/nowhere.yml", import.meta.url)))
        assert.strictEqual(missing._tag, "OpenApiError")
        assert.match(missing.file, /fixtures[/\\]nowhere\.yml$/)
        const invalid = new URL("./fixtures/not-a-definition.yml", import.meta.url)
        assert.isDefined((yield* OpenApiValidator.load(invalid))["paths"])
        const refused = yield* Effect.flip(OpenApiValidator.load(invalid, { validate: true }))
        assert.strictEqual(refused._tag, "OpenApiError")
        assert.isNotEmpty(refused.message)
        assert.isDefined((yield* OpenApiValidator.load(openapi, { validate: true }))["paths"])
      }))
  })

  describe("operation", () => {
    it.effect("merges the path item's parameters; an unknown or malformed name throws", () =>
      Effect.gen(function*() {
        const spec = yield* OpenApiValidator.load(openapi)
        const send = OpenApiValidator.operation(spec, "POST /v1/messages")
        assert.strictEqual(send["operationId"], "sendMessage")
        assert.deepStrictEqual(send["parameters"].map((p: any) => p.name), ["Idempotency-Key"])
        assert.throws(() => OpenApiValidator.operation(spec, "GET /v1/messages"), "the definition has no GET /v1/messages")
        assert.throws(() => OpenApiValidator.operation(spec, "POST /v2/messages"), "the definition has no POST /v2/messages")
        assert.throws(() => OpenApiValidator.operation(spec, "/v1/messages"), "does not name an operation")
      }))
  })

  describe("requestErrors", () => {
    it.effect("what the reference channel sends is valid against its OpenAPI 3 definition", () =>
      Effect.gen(function*() {
        const spec = yield* OpenApiValidator.load(openapi)
        const { channel, http } = yield* InMemoryChannel.fixture()
        const recipient = yield* Recipient.fromPhone("+31612345678")
        const contents = [
          Content.text("Your code is 123456"),
          Content.image("https://example.com/a.jpg", { caption: "A picture" }),
          Content.binary("0011223344556677", { udh: "06050415811581" })
        ]
        for (const content of contents) yield* channel.send(yield* Message.make({ recipient, content }))
        const sent = yield* http.requests
        assert.strictEqual(sent.length, contents.length)
        for (const request of sent) {
          assert.deepStrictEqual(
            OpenApiValidator.requestErrors(spec, "POST /v1/messages", {
              headers: request.headers,
              body: MockHttpClient.bodyJson(request)
            }),
            [],
            request.body
          )
        }
      }))

    it.effect("reports body, header and media type errors as readable strings", () =>
      Effect.gen(function*() {
        const spec = yield* OpenApiValidator.load(openapi)
        const errors = (request: OpenApiValidator.Request) => OpenApiValidator.requestErrors(spec, "POST /v1/messages", request)
        assert.deepStrictEqual(errors({ headers, body: valid }), [])
        assert.deepStrictEqual(errors({ headers, body: { ...valid, to: undefined } }), [
          "body to: must have required property 'to'"
        ])
        assert.deepStrictEqual(errors({ headers, body: { ...valid, ttl_seconds: "60" } }), [
          "body ttl_seconds: must be integer"
        ])
        // the path item's header parameter applies to the operation
        const { "idempotency-key": _, ...withoutKey } = headers
        assert.deepStrictEqual(errors({ headers: withoutKey, body: valid }), [
          "headers idempotency-key: must have required property 'idempotency-key'"
        ])
        assert.isNotEmpty(errors({ headers: { ...headers, "content-type": "text/plain" }, body: valid }))
      }))

    it("leaves the caller's body alone (the validator fills in defaults on a copy)", () => {
      const body = structuredClone(valid)
      const operation = {
        requestBody: {
          content: {
            "application/json": {
              schema: { type: "object", properties: { to: { type: "string" }, from: { type: "string", default: "Acme" } } }
            }
          }
        }
      }
      assert.deepStrictEqual(OpenApiValidator.requestErrors(operation, { headers, body }), [])
      assert.deepStrictEqual(body, valid)
    })

    it.effect("Swagger 2: body parameters and the definition's consumes", () =>
      Effect.gen(function*() {
        const spec = yield* OpenApiValidator.load(swagger)
        const errors = (request: OpenApiValidator.Request) => OpenApiValidator.requestErrors(spec, "POST /messages", request)
        assert.deepStrictEqual(errors({ headers, body: valid }), [])
        assert.deepStrictEqual(errors({ headers, body: { ...valid, client_ref: 7 } }), ["body client_ref: must be string"])
        assert.deepStrictEqual(errors({ headers: { ...headers, "content-type": "text/plain; charset=utf-8" }, body: valid }), [
          "headers content-type: \"text/plain\" is not one of application/json"
        ])
        const { "content-type": _, ...untyped } = headers
        assert.deepStrictEqual(errors({ headers: untyped, body: valid }), [
          "headers content-type: \"\" is not one of application/json"
        ])
      }))

    it("an operation object, with coerce for values that travel as strings", () => {
      const list = {
        parameters: [
          { name: "page", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
          { name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[a-z]+$" } }
        ]
      }
      const request = { query: { page: "2" }, params: { id: "abc" } }
      assert.deepStrictEqual(OpenApiValidator.requestErrors(list, request, { coerce: true }), [])
      assert.deepStrictEqual(OpenApiValidator.requestErrors(list, request), ["query page: must be integer"])
      assert.deepStrictEqual(OpenApiValidator.requestErrors(list, { query: { page: "0" }, params: { id: "ABC" } }, { coerce: true }), [
        "path id: must match pattern \"^[a-z]+$\"",
        "query page: must be >= 1"
      ])
    })
  })

  describe("responseErrors", () => {
    it.effect("checks the body declared for the status; an undeclared status is an error", () =>
      Effect.gen(function*() {
        const spec = yield* OpenApiValidator.load(openapi)
        const accepted = { message_ids: ["im-1"], parts: 1, price: null, accepted_at: "2026-01-01T10:00:00.000Z" }
        assert.deepStrictEqual(OpenApiValidator.responseErrors(spec, "POST /v1/messages", 201, accepted), [])
        assert.deepStrictEqual(
          OpenApiValidator.responseErrors(spec, "POST /v1/messages", 201, { ...accepted, message_ids: [] }),
          ["message_ids: must NOT have fewer than 1 items"]
        )
        const throttled = { error: { code: "rate_limited", message: "slow down" } }
        assert.deepStrictEqual(OpenApiValidator.responseErrors(spec, "POST /v1/messages", 429, throttled), [])
        assert.deepStrictEqual(OpenApiValidator.responseErrors(spec, "POST /v1/messages", 429, { error: "slow down" }), [
          "error: must be object"
        ])
        assert.deepStrictEqual(OpenApiValidator.responseErrors(spec, "POST /v1/messages", 418, throttled), [
          "An unknown status code was used and no default was provided."
        ])
        const send = OpenApiValidator.operation(yield* OpenApiValidator.load(swagger), "POST /messages")
        assert.deepStrictEqual(
          OpenApiValidator.responseErrors(send, 201, { message_ids: ["im-1"], parts: 1, accepted_at: "now" }),
          []
        )
        assert.isNotEmpty(OpenApiValidator.responseErrors(send, 201, { message_ids: ["im-1"], parts: "1", accepted_at: "now" }))
      }))
  })

  describe("schemaErrors", () => {
    it.effect("a signed status callback's body against the definition's StatusCallback schema", () =>
      Effect.gen(function*() {
        const schema = (yield* OpenApiValidator.load(openapi))["components"]["schemas"]["StatusCallback"]
        const request = InMemoryWebhook.callback(Redacted.make("whsec-test-0123456789"), "https://example.com/status", {
          messageId: "im-000001",
          clientRef: "order-1234",
          status: "delivered",
          timestamp: "2026-01-01T10:00:00.000Z"
        })
        assert.deepStrictEqual(OpenApiValidator.schemaErrors(schema, JSON.parse(request.body)), [])
        assert.deepStrictEqual(OpenApiValidator.schemaErrors(schema, { ...JSON.parse(request.body), status: "lost" }), [
          "body status: must be equal to one of the allowed values"
        ])
      }))
  })
})
