import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { OAuthClientCredentials } from "@switchboard/auth"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import { fixture, json, makeTransport, type Reply, type Seen } from "./helpers.js"

const TOKEN_PATH = "/oauth/client_credential/accesstoken"
const API_URL = "https://api-prd.kpn.com/communication/kpn/sms/send"
const API_PATH = "/communication/kpn/sms/send"

const options: OAuthClientCredentials.Options = {
  clientId: "test-client-id",
  clientSecret: Redacted.make("test-client-secret")
}

/** The fixture's token body with another access token (and lifetime), every value still a string. */
const tokenBody = (accessToken: string, expiresIn = "3599"): Reply => {
  const body = JSON.parse(fixture("oauth-token-200.json")) as Record<string, string>
  return json(200, { ...body, access_token: accessToken, expires_in: expiresIn })
}

/** A transport whose token endpoint hands out tok-1, tok-2, … and whose API answers with `api`. */
const makeGateway = (api: (request: Seen) => Effect.Effect<Reply, "Transport"> = () => Effect.succeed(json(200, {}))) => {
  let issued = 0
  const transport = makeTransport((request) => {
    if (request.url.pathname === TOKEN_PATH) {
      issued += 1
      return Effect.succeed(tokenBody(`tok-${issued}`))
    }
    return api(request)
  })
  return transport
}

const provide = (transport: ReturnType<typeof makeTransport>, extra: Partial<OAuthClientCredentials.Options> = {}) =>
  Effect.provide(OAuthClientCredentials.layer({ ...options, ...extra }).pipe(Layer.provide(transport.layer)))

const service = OAuthClientCredentials.OAuthClientCredentials

/** Lets forked fibers run until `check` holds; fails (rather than hangs) if it never does. */
const eventually = <A>(effect: Effect.Effect<A, unknown>, check: (a: A) => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 10_000; i++) {
      const value = yield* effect
      if (check(value)) return value
      yield* Effect.yieldNow()
    }
    return yield* Effect.dieMessage("condition never held")
  })

const tokenValue = (oauth: OAuthClientCredentials.Service) => Effect.map(oauth.token, Redacted.value)

describe("OAuthClientCredentials", () => {
  describe("token request", () => {
    it.effect("POSTs grant_type=client_credentials with client_id and client_secret as a form", () =>
      Effect.gen(function*() {
        const transport = makeGateway()
        yield* Effect.flatMap(service, (oauth) => oauth.token).pipe(
          provide(transport, {
            tokenUrl: "https://api-prd.kpn.com/oauth/client_credential/accesstoken?grant_type=client_credentials"
          })
        )
        assert.strictEqual(transport.requests.length, 1)
        const request = transport.requests[0]!
        assert.strictEqual(request.method, "POST")
        assert.strictEqual(request.url.origin + request.url.pathname, OAuthClientCredentials.defaultTokenUrl)
        assert.deepStrictEqual(request.url.searchParams.getAll("grant_type"), ["client_credentials"])
        assert.strictEqual(request.headers["content-type"], "application/x-www-form-urlencoded")
        assert.strictEqual(request.headers["accept"], "application/json")
        const form = new URLSearchParams(request.body)
        assert.strictEqual(form.get("client_id"), "test-client-id")
        assert.strictEqual(form.get("client_secret"), "test-client-secret")
      }))

    it.effect("decodes KPN's string-valued token response (fixture)", () =>
      Effect.gen(function*() {
        const transport = makeTransport(() => Effect.succeed(json(200, fixture("oauth-token-200.json"))))
        const token = yield* Effect.flatMap(service, tokenValue).pipe(provide(transport))
        assert.strictEqual(token, "fake-gateway-access-token")
      }))

    it.effect("TokenResponse decodes strings and numbers, and keeps the token Redacted", () =>
      Effect.gen(function*() {
        const decode = Schema.decodeUnknown(OAuthClientCredentials.TokenResponse)
        const fromStrings = yield* decode(JSON.parse(fixture("oauth-token-200.json")))
        assert.strictEqual(fromStrings.expiresIn, 3599)
        assert.strictEqual(fromStrings.issuedAt, 1587458037687)
        assert.strictEqual(fromStrings.tokenType, "Bearer")
        assert.strictEqual(Redacted.value(fromStrings.accessToken), "fake-gateway-access-token")
        assert.notInclude(String(fromStrings), "fake-gateway-access-token")
        const fromNumbers = yield* decode({ access_token: "t", expires_in: 60, issued_at: 1 })
        assert.strictEqual(fromNumbers.expiresIn, 60)
        const invalid = yield* Effect.either(decode({ access_token: "t", expires_in: "soon" }))
        assert.isTrue(Either.isLeft(invalid))
      }))
  })

  describe("cache and single flight", () => {
    it.effect("1,000 concurrent token requests cause exactly 1 token call", () =>
      Effect.gen(function*() {
        const gate = yield* Deferred.make<void>()
        const transport = makeTransport(() => Effect.as(Deferred.await(gate), tokenBody("tok-1")))
        yield* Effect.gen(function*() {
          const oauth = yield* service
          const started = yield* Ref.make(0)
          const callers = yield* Effect.fork(
            Effect.forEach(
              Array.from({ length: 1000 }),
              () => Effect.zipRight(Ref.update(started, (n) => n + 1), tokenValue(oauth)),
              { concurrency: "unbounded" }
            )
          )
          yield* eventually(Ref.get(started), (n) => n === 1000)
          yield* eventually(Effect.sync(() => transport.count(TOKEN_PATH)), (n) => n >= 1)
          for (let i = 0; i < 100; i++) yield* Effect.yieldNow()
          assert.strictEqual(transport.count(TOKEN_PATH), 1)
          yield* Deferred.succeed(gate, undefined)
          const tokens = yield* Fiber.join(callers)
          assert.strictEqual(tokens.length, 1000)
          assert.isTrue(tokens.every((token) => token === "tok-1"))
          assert.strictEqual(transport.count(TOKEN_PATH), 1)
        }).pipe(provide(transport))
      }))

    it.effect("caches the token until its expiry minus the skew (TestClock)", () =>
      Effect.gen(function*() {
        const transport = makeGateway()
        yield* Effect.gen(function*() {
          const oauth = yield* service
          assert.strictEqual(yield* tokenValue(oauth), "tok-1")
          // expires_in 3599 s, skew 30 s: usable until 3569 s
          yield* TestClock.adjust("3568 seconds")
          assert.strictEqual(yield* tokenValue(oauth), "tok-1")
          assert.strictEqual(transport.count(TOKEN_PATH), 1)
          yield* TestClock.adjust("1 second")
          assert.strictEqual(yield* tokenValue(oauth), "tok-2")
          assert.strictEqual(transport.count(TOKEN_PATH), 2)
        }).pipe(provide(transport, { proactiveRefresh: false }))
      }))

    it.effect("after expiry (TestClock) exactly 1 refresh, shared by concurrent callers", () =>
      Effect.gen(function*() {
        const transport = makeGateway()
        yield* Effect.gen(function*() {
          const oauth = yield* service
          assert.strictEqual(yield* tokenValue(oauth), "tok-1")
          yield* TestClock.adjust("3600 seconds")
          const tokens = yield* Effect.all(Array.from({ length: 100 }, () => tokenValue(oauth)), {
            concurrency: "unbounded"
          })
          assert.isTrue(tokens.every((token) => token === "tok-2"))
          assert.strictEqual(transport.count(TOKEN_PATH), 2)
        }).pipe(provide(transport, { proactiveRefresh: false }))
      }))

    it.effect("with proactive refresh, expiry (TestClock) also causes exactly 1 refresh", () =>
      Effect.gen(function*() {
        const transport = makeGateway()
        yield* Effect.gen(function*() {
          const oauth = yield* service
          assert.strictEqual(yield* tokenValue(oauth), "tok-1")
          yield* TestClock.adjust("3600 seconds")
          yield* eventually(tokenValue(oauth), (token) => token === "tok-2")
          const tokens = yield* Effect.all(Array.from({ length: 100 }, () => tokenValue(oauth)), {
            concurrency: "unbounded"
          })
          assert.isTrue(tokens.every((token) => token === "tok-2"))
          assert.strictEqual(transport.count(TOKEN_PATH), 2)
        }).pipe(provide(transport))
      }))

    it.effect("refreshes proactively before expiry while callers keep using the current token", () =>
      Effect.gen(function*() {
        const gate = yield* Deferred.make<void>()
        let issued = 0
        const transport = makeTransport(() => {
          issued += 1
          const reply = tokenBody(`tok-${issued}`)
          return issued === 1 ? Effect.succeed(reply) : Effect.as(Deferred.await(gate), reply)
        })
        yield* Effect.gen(function*() {
          const oauth = yield* service
          assert.strictEqual(yield* tokenValue(oauth), "tok-1")
          // refreshBefore 5 minutes: the background refresh starts at 3299 s
          yield* TestClock.adjust("3298 seconds")
          assert.strictEqual(transport.count(TOKEN_PATH), 1)
          yield* TestClock.adjust("2 seconds")
          yield* eventually(Effect.sync(() => transport.count(TOKEN_PATH)), (n) => n === 2)
          // the refresh is still in flight (gated); callers are not held up by it
          assert.strictEqual(yield* tokenValue(oauth), "tok-1")
          yield* Deferred.succeed(gate, undefined)
          yield* eventually(tokenValue(oauth), (token) => token === "tok-2")
          assert.strictEqual(transport.count(TOKEN_PATH), 2)
        }).pipe(provide(transport))
      }))

    it.effect("a failed background refresh keeps the current token until it expires; the next caller fetches", () =>
      Effect.gen(function*() {
        let issued = 0
        const transport = makeTransport(() => {
          issued += 1
          return Effect.succeed(issued === 2 ? json(503, "") : tokenBody(`tok-${issued}`))
        })
        yield* Effect.gen(function*() {
          const oauth = yield* service
          assert.strictEqual(yield* tokenValue(oauth), "tok-1")
          yield* TestClock.adjust("3300 seconds")
          yield* eventually(Effect.sync(() => transport.count(TOKEN_PATH)), (n) => n === 2)
          assert.strictEqual(yield* tokenValue(oauth), "tok-1")
          assert.strictEqual(transport.count(TOKEN_PATH), 2)
          yield* TestClock.adjust("269 seconds")
          assert.strictEqual(yield* tokenValue(oauth), "tok-3")
          assert.strictEqual(transport.count(TOKEN_PATH), 3)
        }).pipe(provide(transport))
      }))

    it.effect("invalidate makes the next caller fetch a new token", () =>
      Effect.gen(function*() {
        const transport = makeGateway()
        yield* Effect.gen(function*() {
          const oauth = yield* service
          assert.strictEqual(yield* tokenValue(oauth), "tok-1")
          yield* oauth.invalidate
          assert.strictEqual(yield* tokenValue(oauth), "tok-2")
          assert.strictEqual(yield* tokenValue(oauth), "tok-2")
          assert.strictEqual(transport.count(TOKEN_PATH), 2)
        }).pipe(provide(transport))
      }))

    it.effect("a caller interrupted while the shared request is in flight does not cancel it for others", () =>
      Effect.gen(function*() {
        const gate = yield* Deferred.make<void>()
        const transport = makeTransport(() => Effect.as(Deferred.await(gate), tokenBody("tok-1")))
        yield* Effect.gen(function*() {
          const oauth = yield* service
          const first = yield* Effect.fork(tokenValue(oauth))
          yield* eventually(Effect.sync(() => transport.count(TOKEN_PATH)), (n) => n === 1)
          const second = yield* Effect.fork(tokenValue(oauth))
          yield* Fiber.interrupt(first)
          yield* Deferred.succeed(gate, undefined)
          assert.strictEqual(yield* Fiber.join(second), "tok-1")
          assert.strictEqual(transport.count(TOKEN_PATH), 1)
        }).pipe(provide(transport))
      }))
  })

  describe("lifetime", () => {
    it.effect("closing the layer stops the background refresh", () =>
      Effect.gen(function*() {
        const transport = makeGateway()
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(
          OAuthClientCredentials.layer(options).pipe(Layer.provide(transport.layer)),
          scope
        )
        const oauth = Context.get(context, service)
        assert.strictEqual(yield* tokenValue(oauth), "tok-1")
        yield* Scope.close(scope, Exit.void)
        yield* TestClock.adjust("2 hours")
        for (let i = 0; i < 100; i++) yield* Effect.yieldNow()
        assert.strictEqual(transport.count(TOKEN_PATH), 1)
      }))

    it.effect("closing the layer while a token request is in flight interrupts its callers", () =>
      Effect.gen(function*() {
        const transport = makeTransport(() => Effect.never)
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(
          OAuthClientCredentials.layer(options).pipe(Layer.provide(transport.layer)),
          scope
        )
        const oauth = Context.get(context, service)
        const caller = yield* Effect.fork(oauth.token)
        yield* eventually(Effect.sync(() => transport.count(TOKEN_PATH)), (n) => n === 1)
        yield* Scope.close(scope, Exit.void)
        const exit = yield* Fiber.await(caller)
        assert.isTrue(Exit.isInterrupted(exit))
      }))
  })

  describe("token endpoint errors", () => {
    it.effect("invalid_client for an unknown client id fails with AuthenticationFailed naming the client id", () =>
      Effect.gen(function*() {
        const transport = makeTransport(() => Effect.succeed(json(401, fixture("oauth-token-invalid-client.json"))))
        const error = yield* Effect.flip(Effect.flatMap(service, (oauth) => oauth.token).pipe(provide(transport)))
        assert.strictEqual(error._tag, "AuthenticationFailed")
        assert.include(error.message, "client id")
        assert.notInclude(error.message, "client secret")
        assert.strictEqual(error.providerCode, "invalid_client")
        assert.strictEqual(error.providerText, "ClientId is Invalid")
        assert.isFalse(error.retryable)
      }))

    it.effect("invalid_client for a wrong secret fails with AuthenticationFailed naming the client secret", () =>
      Effect.gen(function*() {
        const transport = makeTransport(() =>
          Effect.succeed(json(401, fixture("kpn-oauth-invalid-client-secret.json")))
        )
        const error = yield* Effect.flip(Effect.flatMap(service, (oauth) => oauth.token).pipe(provide(transport)))
        assert.strictEqual(error._tag, "AuthenticationFailed")
        assert.include(error.message, "client secret")
        assert.notInclude(error.message, "client id (")
        assert.strictEqual(error.providerCode, "invalid_client")
      }))

    it.effect("a failure is not cached: the next caller asks again", () =>
      Effect.gen(function*() {
        let calls = 0
        const transport = makeTransport(() => {
          calls += 1
          return Effect.succeed(calls === 1 ? json(401, fixture("oauth-token-invalid-client.json")) : tokenBody("tok-2"))
        })
        yield* Effect.gen(function*() {
          const oauth = yield* service
          const error = yield* Effect.flip(oauth.token)
          assert.strictEqual(error._tag, "AuthenticationFailed")
          assert.strictEqual(yield* tokenValue(oauth), "tok-2")
        }).pipe(provide(transport))
      }))

    it.effect("5xx, 429, network errors and malformed bodies fail with ProviderUnavailable", () =>
      Effect.gen(function*() {
        const cases: ReadonlyArray<readonly [Effect.Effect<Reply, "Transport">, number | undefined]> = [
          [Effect.succeed(json(503, "")), 503],
          [Effect.succeed(json(500, fixture("apigee-invalid-access-token-fault.json"))), 500],
          [Effect.succeed(json(429, "")), 429],
          [Effect.fail("Transport" as const), undefined],
          [Effect.succeed(json(200, "<html>maintenance</html>")), 200],
          [Effect.succeed(json(200, { access_token: "leaked-token", expires_in: "soon" })), 200]
        ]
        for (const [reply, status] of cases) {
          const transport = makeTransport(() => reply)
          const error = yield* Effect.flip(Effect.flatMap(service, (oauth) => oauth.token).pipe(provide(transport)))
          assert.strictEqual(error._tag, "ProviderUnavailable")
          assert.isTrue(error.retryable)
          if (error._tag === "ProviderUnavailable") assert.strictEqual(error.status, status)
          assert.notInclude(error.message, "leaked-token")
        }
      }))

    it.effect("a token endpoint that never answers fails with ProviderUnavailable after the timeout", () =>
      Effect.gen(function*() {
        const transport = makeTransport(() => Effect.never)
        yield* Effect.gen(function*() {
          const oauth = yield* service
          const fiber = yield* Effect.fork(Effect.flip(oauth.token))
          yield* eventually(Effect.sync(() => transport.count(TOKEN_PATH)), (n) => n === 1)
          // the timeout's sleep is registered with the TestClock before the clock moves
          yield* eventually(TestClock.sleeps(), (sleeps) => sleeps.length === 1)
          yield* TestClock.adjust("30 seconds")
          const error = yield* Fiber.join(fiber)
          assert.strictEqual(error._tag, "ProviderUnavailable")
          assert.include(error.message, "did not answer")
        }).pipe(provide(transport))
      }))
  })

  describe("bearer middleware", () => {
    const call = (transport: ReturnType<typeof makeTransport>) =>
      Effect.flatMap(service, (oauth) =>
        oauth.withBearer(transport.client).execute(
          HttpClientRequest.post(API_URL).pipe(HttpClientRequest.bodyUrlParams({ to: "+31612345678" }))
        ))

    const bearerOf = (request: Seen) => request.headers["authorization"]
    const apiCalls = (transport: ReturnType<typeof makeTransport>) =>
      transport.requests.filter((request) => request.url.pathname === API_PATH)

    it.effect("adds Authorization: Bearer with the cached token", () =>
      Effect.gen(function*() {
        const transport = makeGateway()
        const response = yield* call(transport).pipe(Effect.zipLeft(call(transport)), provide(transport))
        assert.strictEqual(response.status, 200)
        assert.deepStrictEqual(apiCalls(transport).map(bearerOf), ["Bearer tok-1", "Bearer tok-1"])
        assert.strictEqual(transport.count(TOKEN_PATH), 1)
      }))

    it.effect("a 401 causes exactly 1 refresh and 1 retry", () =>
      Effect.gen(function*() {
        const transport = makeGateway((request) =>
          Effect.succeed(
            bearerOf(request) === "Bearer tok-1"
              ? json(401, fixture("apigee-invalid-access-token-fault.json"))
              : json(200, { document_id: "d1" })
          )
        )
        const response = yield* call(transport).pipe(provide(transport))
        assert.strictEqual(response.status, 200)
        assert.deepStrictEqual(yield* response.json, { document_id: "d1" })
        assert.strictEqual(transport.count(TOKEN_PATH), 2)
        assert.deepStrictEqual(apiCalls(transport).map(bearerOf), ["Bearer tok-1", "Bearer tok-2"])
        assert.strictEqual(apiCalls(transport)[1]!.body, "to=%2B31612345678")
      }))

    it.effect("a second 401 fails with AuthenticationFailed", () =>
      Effect.gen(function*() {
        const transport = makeGateway(() => Effect.succeed(json(401, "")))
        const error = yield* Effect.flip(call(transport).pipe(provide(transport)))
        assert.strictEqual(error._tag, "AuthenticationFailed")
        assert.include(error.message, "HTTP 401")
        assert.strictEqual(transport.count(TOKEN_PATH), 2)
        assert.strictEqual(apiCalls(transport).length, 2)
      }))

    it.effect("an HTTP 500 with the oauth.v2.InvalidAccessToken fault causes 1 refresh and 1 retry", () =>
      Effect.gen(function*() {
        const transport = makeGateway((request) =>
          Effect.succeed(
            bearerOf(request) === "Bearer tok-1"
              ? json(500, fixture("apigee-invalid-access-token-fault.json"))
              : json(200, { document_id: "d1" })
          )
        )
        const response = yield* call(transport).pipe(provide(transport))
        assert.strictEqual(response.status, 200)
        assert.strictEqual(transport.count(TOKEN_PATH), 2)
        assert.deepStrictEqual(apiCalls(transport).map(bearerOf), ["Bearer tok-1", "Bearer tok-2"])
      }))

    it.effect("a second HTTP 500 invalid-token fault fails with AuthenticationFailed", () =>
      Effect.gen(function*() {
        const transport = makeGateway(() => Effect.succeed(json(500, fixture("apigee-invalid-access-token-fault.json"))))
        const error = yield* Effect.flip(call(transport).pipe(provide(transport)))
        assert.strictEqual(error._tag, "AuthenticationFailed")
        if (error._tag === "AuthenticationFailed") {
          assert.strictEqual(error.providerCode, "oauth.v2.InvalidAccessToken")
          assert.strictEqual(error.providerText, "Invalid access token")
        }
        assert.strictEqual(transport.count(TOKEN_PATH), 2)
        assert.strictEqual(apiCalls(transport).length, 2)
      }))

    it.effect("a 500 without the fault is handed on untouched, its body still readable", () =>
      Effect.gen(function*() {
        const transport = makeGateway(() => Effect.succeed(json(500, { errorResponse: { code: "500" } })))
        const response = yield* call(transport).pipe(provide(transport))
        assert.strictEqual(response.status, 500)
        assert.strictEqual(response.headers["content-type"], "application/json")
        assert.deepStrictEqual(yield* response.json, { errorResponse: { code: "500" } })
        assert.strictEqual(transport.count(TOKEN_PATH), 1)
        assert.strictEqual(apiCalls(transport).length, 1)
      }))

    it.effect("other statuses are not retried", () =>
      Effect.gen(function*() {
        const transport = makeGateway(() => Effect.succeed(json(400, { errorResponse: { code: "400" } })))
        const response = yield* call(transport).pipe(provide(transport))
        assert.strictEqual(response.status, 400)
        assert.strictEqual(apiCalls(transport).length, 1)
      }))

    it.effect("concurrent requests rejected with the same token share one refresh", () =>
      Effect.gen(function*() {
        const transport = makeGateway((request) =>
          Effect.succeed(bearerOf(request) === "Bearer tok-1" ? json(401, "") : json(200, {}))
        )
        const responses = yield* Effect.all(Array.from({ length: 50 }, () => call(transport)), {
          concurrency: "unbounded"
        }).pipe(provide(transport))
        assert.isTrue(responses.every((response) => response.status === 200))
        assert.strictEqual(transport.count(TOKEN_PATH), 2)
        assert.strictEqual(apiCalls(transport).length, 100)
      }))

    it.effect("a token endpoint failure fails the request with the token error", () =>
      Effect.gen(function*() {
        const transport = makeTransport((request) =>
          Effect.succeed(
            request.url.pathname === TOKEN_PATH
              ? json(401, fixture("oauth-token-invalid-client.json"))
              : json(200, {})
          )
        )
        const error = yield* Effect.flip(call(transport).pipe(provide(transport)))
        assert.strictEqual(error._tag, "AuthenticationFailed")
        assert.strictEqual(apiCalls(transport).length, 0)
      }))
  })

  describe("layerConfig", () => {
    it.effect("reads KPN_CLIENT_ID, KPN_CLIENT_SECRET and KPN_TOKEN_URL", () =>
      Effect.gen(function*() {
        const transport = makeGateway()
        const config = ConfigProvider.fromMap(
          new Map([
            ["KPN_CLIENT_ID", "id-from-env"],
            ["KPN_CLIENT_SECRET", "secret-from-env"],
            ["KPN_TOKEN_URL", "http://127.0.0.1:4010/oauth/client_credential/accesstoken"]
          ])
        )
        const token = yield* Effect.flatMap(service, tokenValue).pipe(
          Effect.provide(
            OAuthClientCredentials.layerConfig.pipe(
              Layer.provide(transport.layer),
              Layer.provide(Layer.setConfigProvider(config))
            )
          )
        )
        assert.strictEqual(token, "tok-1")
        const request = transport.requests[0]!
        assert.strictEqual(request.url.host, "127.0.0.1:4010")
        const form = new URLSearchParams(request.body)
        assert.strictEqual(form.get("client_id"), "id-from-env")
        assert.strictEqual(form.get("client_secret"), "secret-from-env")
      }))

    it.effect("defaults the token URL and fails with a ConfigError when a credential is missing", () =>
      Effect.gen(function*() {
        const transport = makeGateway()
        const run = (entries: ReadonlyArray<readonly [string, string]>) =>
          Effect.flatMap(service, tokenValue).pipe(
            Effect.provide(
              OAuthClientCredentials.layerConfig.pipe(
                Layer.provide(transport.layer),
                Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(entries))))
              )
            )
          )
        assert.strictEqual(yield* run([["KPN_CLIENT_ID", "id"], ["KPN_CLIENT_SECRET", "s"]]), "tok-1")
        assert.strictEqual(transport.requests[0]!.url.host, "api-prd.kpn.com")
        const missing = yield* Effect.flip(run([["KPN_CLIENT_ID", "id"]]))
        assert.isTrue(ConfigError.isConfigError(missing) && ConfigError.isMissingDataOnly(missing))
      }))
  })
})
