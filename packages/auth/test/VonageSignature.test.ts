import { assert, describe, it } from "@effect/vitest"
import { VonageSignature } from "@switchboard/auth"
import { Webhook } from "@switchboard/core"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import fc from "fast-check"
import * as NodeCrypto from "node:crypto"
import { fixture } from "./helpers.js"

type Algorithm = VonageSignature.SignatureAlgorithm

const vectors = JSON.parse(fixture("vonage-signature-vectors.json")) as {
  readonly inbound: {
    readonly secret: string
    readonly params: Record<string, string>
    readonly sig: Record<Algorithm, string>
  }
  readonly outbound: {
    readonly secret: string
    readonly params: Record<string, string>
    readonly sig: Record<Exclude<Algorithm, "md5hash">, string>
  }
  readonly md5hash: ReadonlyArray<{ readonly secret: string; readonly sig: string; readonly params: Record<string, string> }>
}

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runSyncExit(effect)

/** The typed failure of an exit, or a test failure if it succeeded or died. */
const failure = <A>(exit: Exit.Exit<A, VonageSignature.SignatureError>): VonageSignature.SignatureError => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got a success")
  const error = Cause.failureOption(exit.cause)
  if (error._tag === "None") throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return error.value
}

const algorithm = fc.constantFrom<Algorithm>(...VonageSignature.algorithms)
// Names without `&` and `=`, as every real parameter name is: the signing string then parses back uniquely.
const name = fc.string({ minLength: 1, maxLength: 12 }).filter((n) => !/[&=]/.test(n) && n !== "sig" && n !== "timestamp")
const value = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme" }),
  fc.constantFrom("", "a&b", "x=y", "&=&", "Hello & welcome = yes")
)
const params = fc.dictionary(name, value, { maxKeys: 8, noNullPrototype: true })
const secret = fc.string({ minLength: 1, maxLength: 40 })
const timestamp = fc.integer({ min: 1_000_000_000, max: 4_000_000_000 })
const normalize = (v: string) => v.replace(/[&=]/g, "_")

const sign = (p: Record<string, string>, s: string, a: Algorithm, t: number) =>
  Effect.runSync(VonageSignature.sign({ params: p, secret: Redacted.make(s), algorithm: a, timestamp: t }))

describe("VonageSignature", () => {
  describe("as Vonage documents it (known-answer vectors from Vonage's PHP SDK)", () => {
    it("signs an inbound webhook with each of the five algorithms", () => {
      for (const a of VonageSignature.algorithms) {
        const { params: p, secret: s, sig } = vectors.inbound
        const signed = sign(p, s, a, Number(p["timestamp"]))
        assert.strictEqual(signed["sig"], sig[a].toLowerCase(), a)
        assert.strictEqual(signed["timestamp"], p["timestamp"])
      }
    })

    it("signs an outbound request with each HMAC algorithm", () => {
      for (const a of ["md5", "sha1", "sha256", "sha512"] as const) {
        const { params: p, secret: s, sig } = vectors.outbound
        assert.strictEqual(sign(p, s, a, Number(p["timestamp"]))["sig"], sig[a].toLowerCase(), a)
      }
    })

    it("replaces & and = inside values with _ (md5hash vectors)", () => {
      for (const vector of vectors.md5hash) {
        const signed = sign(vector.params, vector.secret, "md5hash", Number(vector.params["timestamp"]))
        assert.strictEqual(signed["sig"], vector.sig)
      }
    })

    it("verifies the vectors, with upper-case hex, inside the window", () => {
      for (const a of VonageSignature.algorithms) {
        const { params: p, secret: s, sig } = vectors.inbound
        const exit = run(VonageSignature.verify({
          params: { ...p, sig: sig[a] },
          secret: Redacted.make(s),
          algorithm: a,
          now: Number(p["timestamp"]) + 10
        }))
        assert.isTrue(Exit.isSuccess(exit), a)
      }
    })

    it("md5hash is MD5(signing string + secret); the others are HMACs keyed with the secret", () => {
      const p = { to: "447700900000", from: "Acme", text: "a&b=c", api_key: "k" }
      const base = "&api_key=k&from=Acme&text=a_b_c&timestamp=1700000000&to=447700900000"
      assert.strictEqual(VonageSignature.signingString({ ...p, timestamp: "1700000000", sig: "x" }), base)
      assert.strictEqual(
        sign(p, "s3", "md5hash", 1700000000)["sig"],
        NodeCrypto.createHash("md5").update(base + "s3").digest("hex")
      )
      for (const a of ["md5", "sha1", "sha256", "sha512"] as const) {
        assert.strictEqual(sign(p, "s3", a, 1700000000)["sig"], NodeCrypto.createHmac(a, "s3").update(base).digest("hex"))
      }
    })
  })

  describe("sign", () => {
    it("adds timestamp and sig, replaces a sig already present, and keeps the other parameters", () => {
      const signed = sign({ a: "1", sig: "old" }, "s", "sha256", 1700000000.9)
      assert.deepStrictEqual(Object.keys(signed).sort(), ["a", "sig", "timestamp"])
      assert.strictEqual(signed["timestamp"], "1700000000")
      assert.notStrictEqual(signed["sig"], "old")
    })

    it.effect("defaults the timestamp to a timestamp parameter, else the Clock", () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(1_700_000_123_456)
        const fromClock = yield* VonageSignature.sign({ params: { a: "1" }, secret: Redacted.make("s"), algorithm: "md5" })
        assert.strictEqual(fromClock["timestamp"], "1700000123")
        const kept = yield* VonageSignature.sign({
          params: { a: "1", timestamp: "1600000000" },
          secret: Redacted.make("s"),
          algorithm: "md5"
        })
        assert.strictEqual(kept["timestamp"], "1600000000")
        // verify reads the Clock too
        yield* VonageSignature.verify({ params: fromClock, secret: Redacted.make("s"), algorithm: "md5" })
      }))

    it("does not depend on the order of the parameters", () => {
      assert.strictEqual(
        sign({ b: "2", a: "1", c: "3" }, "s", "sha1", 1)["sig"],
        sign({ c: "3", a: "1", b: "2" }, "s", "sha1", 1)["sig"]
      )
    })

    it("a parameter named __proto__ is signed as a parameter", () => {
      const p = JSON.parse("{\"__proto__\":\"x\",\"a\":\"1\"}") as Record<string, string>
      const signed = sign(p, "s", "sha256", 1700000000)
      assert.strictEqual(Object.getOwnPropertyDescriptor(signed, "__proto__")?.value, "x")
      assert.isTrue(Exit.isSuccess(run(VonageSignature.verify({
        params: signed,
        secret: Redacted.make("s"),
        algorithm: "sha256",
        now: 1700000000
      }))))
    })
  })

  describe("properties", () => {
    it("sign → verify round-trips for all five algorithms", () => {
      fc.assert(
        fc.property(params, secret, algorithm, timestamp, fc.integer({ min: -300, max: 300 }), (p, s, a, t, skew) => {
          const signed = sign(p, s, a, t)
          const exit = run(VonageSignature.verify({ params: signed, secret: Redacted.make(s), algorithm: a, now: t + skew }))
          assert.isTrue(Exit.isSuccess(exit))
        }),
        { numRuns: 300 }
      )
    })

    it("changing any one parameter value (or the timestamp) fails with Mismatch", () => {
      fc.assert(
        fc.property(
          params,
          secret,
          algorithm,
          timestamp,
          fc.nat(),
          value,
          (p, s, a, t, pick, replacement) => {
            const signed = sign(p, s, a, t)
            const names = Object.keys(signed).filter((n) => n !== "sig")
            const target = names[pick % names.length]!
            const changed = target === "timestamp" ? String(Number(signed[target]) + 1 + (pick % 100)) : replacement
            fc.pre(normalize(changed) !== normalize(signed[target]!))
            const tampered = { ...signed, [target]: changed }
            const error = failure(run(VonageSignature.verify({
              params: tampered,
              secret: Redacted.make(s),
              algorithm: a,
              now: t,
              toleranceSeconds: Infinity
            })))
            assert.strictEqual(error.reason, "Mismatch")
          }
        ),
        { numRuns: 300 }
      )
    })

    it("renaming any one parameter fails with Mismatch", () => {
      fc.assert(
        fc.property(params, secret, algorithm, timestamp, fc.nat(), name, (p, s, a, t, pick, newName) => {
          const names = Object.keys(p)
          fc.pre(names.length > 0 && !names.includes(newName))
          const signed = sign(p, s, a, t)
          const target = names[pick % names.length]!
          const { [target]: moved, ...rest } = signed
          const renamed = { ...rest, [newName]: moved! }
          const error = failure(run(VonageSignature.verify({ params: renamed, secret: Redacted.make(s), algorithm: a, now: t })))
          assert.strictEqual(error.reason, "Mismatch")
        }),
        { numRuns: 300 }
      )
    })

    it("another secret fails with Mismatch", () => {
      fc.assert(
        fc.property(params, secret, secret, algorithm, timestamp, (p, s, other, a, t) => {
          fc.pre(s !== other)
          const signed = sign(p, s, a, t)
          const error = failure(run(VonageSignature.verify({ params: signed, secret: Redacted.make(other), algorithm: a, now: t })))
          assert.strictEqual(error.reason, "Mismatch")
        }),
        { numRuns: 300 }
      )
    })

    it("a timestamp outside the window fails with Expired; Infinity turns the window off", () => {
      fc.assert(
        fc.property(
          params,
          secret,
          algorithm,
          timestamp,
          fc.integer({ min: 301, max: 10_000_000 }),
          fc.boolean(),
          (p, s, a, t, distance, future) => {
            const signed = sign(p, s, a, t)
            const now = future ? t - distance : t + distance
            const error = failure(run(VonageSignature.verify({ params: signed, secret: Redacted.make(s), algorithm: a, now })))
            assert.strictEqual(error.reason, "Expired")
            const unlimited = run(VonageSignature.verify({
              params: signed,
              secret: Redacted.make(s),
              algorithm: a,
              now,
              toleranceSeconds: Infinity
            }))
            assert.isTrue(Exit.isSuccess(unlimited))
          }
        ),
        { numRuns: 200 }
      )
    })

    it("garbage parameters give a typed error and never throw or die", () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.anything(),
            fc.dictionary(fc.string(), fc.anything()),
            fc.record({ sig: fc.anything(), timestamp: fc.anything() }, { requiredKeys: [] }),
            fc.dictionary(fc.string(), fc.anything()).map((d) => ({ ...d, sig: "ab".repeat(32) }))
          ),
          algorithm,
          (garbage, a) => {
            const exit = run(VonageSignature.verify({
              params: garbage as Record<string, unknown>,
              secret: Redacted.make("s"),
              algorithm: a,
              now: 0
            }))
            if (Exit.isFailure(exit)) {
              assert.isTrue(Cause.isFailType(exit.cause), Cause.pretty(exit.cause))
              assert.strictEqual(failure(exit)._tag, "SignatureError")
            }
          }
        ),
        { numRuns: 500 }
      )
    })
  })

  describe("verify: every negative case gives a typed error", () => {
    const secretValue = Redacted.make("my-signature-secret")
    const signed = sign({ api_key: "k", text: "hello" }, "my-signature-secret", "sha256", 1700000000)
    const verify = (p: Record<string, unknown>, extra: Partial<VonageSignature.VerifyOptions> = {}) =>
      run(VonageSignature.verify({ params: p, secret: secretValue, algorithm: "sha256", now: 1700000000, ...extra }))

    it("accepts the signed parameters", () => {
      assert.isTrue(Exit.isSuccess(verify(signed)))
      assert.isTrue(Exit.isSuccess(verify({ ...signed, sig: signed["sig"]!.toUpperCase() })))
    })

    it("missing sig → Missing", () => {
      const { sig: _, ...unsigned } = signed
      assert.strictEqual(failure(verify(unsigned)).reason, "Missing")
      assert.strictEqual(failure(verify({ ...unsigned, sig: undefined })).reason, "Missing")
    })

    it("non-hex or wrong-length sig → Malformed", () => {
      assert.strictEqual(failure(verify({ ...signed, sig: "z".repeat(64) })).reason, "Malformed")
      assert.strictEqual(failure(verify({ ...signed, sig: "abc" })).reason, "Malformed")
      assert.strictEqual(failure(verify({ ...signed, sig: signed["sig"]!.slice(0, 32) })).reason, "Malformed")
      assert.strictEqual(failure(verify({ ...signed, sig: "" })).reason, "Malformed")
      assert.strictEqual(failure(verify({ ...signed, sig: 12345 })).reason, "Malformed")
      assert.strictEqual(failure(verify({ ...signed, sig: ["a", "b"] })).reason, "Malformed")
    })

    it("nested, numeric, list and null values → Malformed", () => {
      for (const bad of [{ nested: { a: "1" } }, 42, ["a", "b"], null, true]) {
        const error = failure(verify({ ...signed, text: bad }))
        assert.strictEqual(error.reason, "Malformed")
        assert.include(error.message, "\"text\"")
      }
      assert.strictEqual(failure(verify({ ...signed, timestamp: 1700000000 })).reason, "Malformed")
    })

    it("parameters that are not an object → Malformed", () => {
      for (const bad of [null, "sig=abc", 42, undefined]) {
        assert.strictEqual(failure(verify(bad as unknown as Record<string, unknown>)).reason, "Malformed")
      }
    })

    it("missing or non-numeric timestamp → Missing / Malformed", () => {
      const { timestamp: _, ...noTimestamp } = signed
      assert.strictEqual(failure(verify(noTimestamp)).reason, "Missing")
      assert.strictEqual(failure(verify({ ...signed, timestamp: "soon" })).reason, "Malformed")
      // with the window turned off, a signature over no timestamp is checked as it is
      assert.strictEqual(failure(verify(noTimestamp, { toleranceSeconds: Infinity })).reason, "Mismatch")
    })

    it("the window is 5 minutes by default, inclusive, either way; a NaN tolerance fails closed", () => {
      assert.isTrue(Exit.isSuccess(verify(signed, { now: 1700000300 })))
      assert.isTrue(Exit.isSuccess(verify(signed, { now: 1699999700 })))
      assert.strictEqual(failure(verify(signed, { now: 1700000301 })).reason, "Expired")
      assert.strictEqual(failure(verify(signed, { now: 1699999699 })).reason, "Expired")
      assert.isTrue(Exit.isSuccess(verify(signed, { now: 1700000010, toleranceSeconds: 10 })))
      assert.strictEqual(failure(verify(signed, { now: 1700000011, toleranceSeconds: 10 })).reason, "Expired")
      assert.strictEqual(failure(verify(signed, { now: 1700000001, toleranceSeconds: NaN })).reason, "Expired")
    })

    it("the wrong algorithm → Malformed (length) or Mismatch", () => {
      assert.strictEqual(failure(verify(signed, { algorithm: "sha512" })).reason, "Malformed")
      const md5 = sign({ a: "1" }, "my-signature-secret", "md5", 1700000000)
      assert.strictEqual(failure(verify(md5, { algorithm: "md5hash" })).reason, "Mismatch")
    })

    it("parameters merged from the query string and a form body verify", () => {
      const all = sign(
        { api_key: "k", msisdn: "447700900001", to: "447700900000", text: "Hi & bye", nonce: "n-1" },
        "my-signature-secret",
        "sha256",
        1700000000
      )
      const query = new URLSearchParams({ api_key: all["api_key"]!, msisdn: all["msisdn"]!, to: all["to"]! })
      const body = new URLSearchParams({
        text: all["text"]!,
        nonce: all["nonce"]!,
        timestamp: all["timestamp"]!,
        sig: all["sig"]!
      })
      const request: Webhook.Request = {
        method: "POST",
        url: `https://example.com/webhooks/inbound?${query}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: body.toString()
      }
      assert.isTrue(Exit.isSuccess(verify(Webhook.params(request))))
      // a JSON body with a numeric value is a typed error, not a crash
      const jsonRequest: Webhook.Request = {
        method: "POST",
        url: `https://example.com/webhooks/inbound?${query}`,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...Object.fromEntries(body), text: 42 })
      }
      assert.strictEqual(failure(verify(Webhook.params(jsonRequest))).reason, "Malformed")
    })
  })
})
