/**
 * The official OpenAPI definitions copied into test/fixtures (see ORIGIN.md), loaded with
 * `@switchboard/testing`'s `OpenApiValidator`, and the one correction the Messages API definition needs.
 */
import { OpenApiValidator } from "@switchboard/testing"
import type * as Effect from "effect/Effect"

/** A definition from test/fixtures, dereferenced (a copy of its own on every call). */
export const load = (file: string): Effect.Effect<OpenApiValidator.Document, OpenApiValidator.OpenApiError> =>
  OpenApiValidator.load(new URL(`../fixtures/${file}`, import.meta.url))

/**
 * Messages API 1.4.0 has a bug that makes every `read` status invalid: `messageStatusBase.status` lists
 * submitted, delivered, rejected and undeliverable, and the WhatsApp, Messenger and Viber schemas add
 * `read` to their own `status` enum, but both sit under one `allOf`, so both enums apply. This adds `read`
 * to the base enum and gives SMS and MMS their own enum without it, which is what the specification means
 * (see ORIGIN.md). Applied in memory; the fixture file stays as copied.
 */
export const fixReadStatus = (doc: OpenApiValidator.Document): OpenApiValidator.Document => {
  const schemas = doc["components"]["schemas"]
  schemas["messageStatusBase"]["properties"]["status"]["enum"] = ["submitted", "delivered", "rejected", "undeliverable", "read"]
  for (const name of ["messageStatusSMS", "messageStatusMMS"]) {
    schemas[name]["allOf"][1]["properties"]["status"] = { enum: ["submitted", "delivered", "rejected", "undeliverable"] }
  }
  return doc
}

/** The validation errors of a JSON webhook body against a callback's or webhook's operation. */
export const webhookErrors = (callback: OpenApiValidator.Operation, body: unknown): ReadonlyArray<string> =>
  OpenApiValidator.requestErrors(callback, { headers: { "content-type": "application/json" }, body })
