import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { assert, describe, it } from "@effect/vitest"
import { ApplicationJwt } from "@switchboard/auth"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import * as Jose from "jose"
import * as NodeCrypto from "node:crypto"
import { json, makeTransport } from "./helpers.js"

const rsa = NodeCrypto.generateKeyPairSync("rsa", { modulusLength: 2048 })
const privatePem = rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString()
const pkcs1Pem = rsa.privateKey.export({ type: "pkcs1", format: "pem" }).toString()
const publicPem = rsa.publicKey.export({ type: "spki", format: "pem" }).toString()
const APP = "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
const T = 1_780_000_000

const options: ApplicationJwt.Options = { applicationId: APP, privateKey: Redacted.make(privatePem) }

const tokenOf = (service: ApplicationJwt.Service) => Effect.map(service.token, Redacted.value)

describe("ApplicationJwt", () => {
  it.effect("mints an RS256 JWT with application_id, iat, exp, jti, acl and sub", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T * 1000)
      const acl = { paths: { "/*/users/**": {}, "/*/conversations/**": {} } }
      const service = yield* ApplicationJwt.make({ ...options, ttl: "10 minutes", acl, sub: "alice" })
      const jwt = yield* tokenOf(service)
      assert.strictEqual(Jose.decodeProtectedHeader(jwt).alg, "RS256")
      const claims = yield* ApplicationJwt.verify(jwt, publicPem)
      assert.strictEqual(claims.application_id, APP)
      assert.strictEqual(claims.iat, T)
      assert.strictEqual(claims.exp, T + 600)
      assert.match(claims.jti, /^[0-9a-f-]{36}$/)
      assert.deepStrictEqual(claims.acl, acl)
      assert.strictEqual(claims.sub, "alice")
      // jose, independently, accepts it
      yield* Effect.promise(() =>
        Jose.jwtVerify(jwt, rsa.publicKey, { algorithms: ["RS256"], currentDate: new Date(T * 1000) })
      )
    }))

  it.effect("leaves acl and sub out unless given; defaults the ttl to 15 minutes", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T * 1000)
      const jwt = yield* tokenOf(yield* ApplicationJwt.make(options))
      const claims = Jose.decodeJwt(jwt)
      assert.isFalse("acl" in claims)
      assert.isFalse("sub" in claims)
      assert.strictEqual(claims.exp, T + 900)
    }))

  it.effect("reuses the token until shortly before expiry, then mints exactly one new one (TestClock)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T * 1000)
      const service = yield* ApplicationJwt.make(options)
      const first = yield* tokenOf(service)
      const concurrent = yield* Effect.all(Array.from({ length: 200 }, () => tokenOf(service)), {
        concurrency: "unbounded"
      })
      assert.isTrue(concurrent.every((token) => token === first))
      // ttl 15 minutes, refreshBefore 1 minute: renewed at 14 minutes
      yield* TestClock.adjust("13 minutes")
      assert.strictEqual(yield* tokenOf(service), first)
      yield* TestClock.adjust("1 minute")
      const renewed = yield* Effect.all(Array.from({ length: 200 }, () => tokenOf(service)), {
        concurrency: "unbounded"
      })
      assert.notStrictEqual(renewed[0], first)
      assert.isTrue(renewed.every((token) => token === renewed[0]))
      const claims = Jose.decodeJwt(renewed[0]!)
      assert.strictEqual(claims.iat, T + 14 * 60)
      assert.notStrictEqual(claims.jti, Jose.decodeJwt(first).jti)
    }))

  it.effect("accepts PKCS#1 keys and keys with escaped newlines (as in environment variables)", () =>
    Effect.gen(function*() {
      for (const pem of [pkcs1Pem, privatePem.replace(/\n/g, "\\n")]) {
        const jwt = yield* tokenOf(yield* ApplicationJwt.make({ ...options, privateKey: Redacted.make(pem) }))
        yield* ApplicationJwt.verify(jwt, publicPem)
      }
    }))

  it.effect("a key that is not a PEM private key, not RSA, or too short fails with InvalidPrivateKey", () =>
    Effect.gen(function*() {
      const ec = NodeCrypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey
      const small = NodeCrypto.generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey
      const cases = [
        "not a key",
        publicPem,
        ec.export({ type: "pkcs8", format: "pem" }).toString(),
        small.export({ type: "pkcs8", format: "pem" }).toString()
      ]
      for (const pem of cases) {
        const error = yield* Effect.flip(ApplicationJwt.make({ ...options, privateKey: Redacted.make(pem) }))
        assert.strictEqual(error._tag, "InvalidPrivateKey")
        assert.notInclude(error.message, "PRIVATE KEY-----\n")
      }
    }))

  it.effect("verify rejects a token from another key, an expired one, and other algorithms", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T * 1000)
      const jwt = yield* tokenOf(yield* ApplicationJwt.make(options))
      const other = NodeCrypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey
      const mismatch = yield* Effect.flip(ApplicationJwt.verify(jwt, other.export({ type: "spki", format: "pem" }).toString()))
      assert.strictEqual(mismatch.reason, "Mismatch")
      const expired = yield* Effect.flip(ApplicationJwt.verify(jwt, publicPem, { now: T + 901 }))
      assert.strictEqual(expired.reason, "Expired")
      const hs = yield* Effect.promise(() =>
        new Jose.SignJWT({ application_id: APP }).setProtectedHeader({ alg: "HS256" }).setIssuedAt(T).setExpirationTime(T + 60)
          .setJti("j").sign(new TextEncoder().encode("x".repeat(32)))
      )
      assert.strictEqual((yield* Effect.flip(ApplicationJwt.verify(hs, publicPem))).reason, "Mismatch")
      const none = new Jose.UnsecuredJWT({ application_id: APP }).setIssuedAt(T).encode()
      assert.strictEqual((yield* Effect.flip(ApplicationJwt.verify(none, publicPem))).reason, "Mismatch")
      assert.strictEqual((yield* Effect.flip(ApplicationJwt.verify(jwt, "not a key"))).reason, "Malformed")
    }))

  it.effect("withBearer sends Authorization: Bearer <jwt> and mints once for many requests", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T * 1000)
      const transport = makeTransport(() => Effect.succeed(json(202, { message_uuid: "u" })))
      const service = yield* ApplicationJwt.make(options)
      const client = service.withBearer(transport.client)
      for (let i = 0; i < 3; i++) yield* client.execute(HttpClientRequest.post("https://api.nexmo.com/v1/messages"))
      const headers = transport.requests.map((request) => request.headers["authorization"])
      assert.strictEqual(new Set(headers).size, 1)
      const jwt = headers[0]!.replace(/^Bearer /, "")
      const claims = yield* ApplicationJwt.verify(jwt, publicPem)
      assert.strictEqual(claims.application_id, APP)
    }))

  it.effect("layerConfig reads VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY", () =>
    Effect.gen(function*() {
      const config = ConfigProvider.fromMap(
        new Map([["VONAGE_APPLICATION_ID", APP], ["VONAGE_PRIVATE_KEY", privatePem.replace(/\n/g, "\\n")]])
      )
      const jwt = yield* Effect.flatMap(ApplicationJwt.ApplicationJwt, tokenOf).pipe(
        Effect.provide(ApplicationJwt.layerConfig.pipe(Layer.provide(Layer.setConfigProvider(config))))
      )
      const claims = yield* ApplicationJwt.verify(jwt, publicPem)
      assert.strictEqual(claims.application_id, APP)
    }))
})
