/**
 * Validates recorded requests against KPN's "SMS - KPN" 1.0.6 definition (Swagger 2.0, in test/fixtures, see
 * ORIGIN.md) with `@switchboard/testing`'s `OpenApiValidator`: the definition itself is checked against the
 * Swagger 2.0 schema when it is loaded; a request's parameters, body and content type against `POST /send`;
 * and here, what the definition states but no validator checks: the method and KPN's OAuth2 bearer token.
 */
import { OpenApiValidator } from "@switchboard/testing"
import * as Effect from "effect/Effect"

export interface SendOperation {
  /** `basePath` + `/send`: `/communication/kpn/sms/send`. */
  readonly path: string
  readonly host: string
  /**
   * The problems with a request (none when it is valid). `bearer: false` skips the bearer token check, for
   * requests recorded with their credentials redacted.
   */
  readonly validate: (
    request: {
      readonly method: string
      readonly headers: Readonly<Record<string, string>>
      readonly body: string
      readonly query: Readonly<Record<string, string>>
    },
    options?: { readonly bearer?: boolean }
  ) => ReadonlyArray<string>
}

export const loadSendOperation: Effect.Effect<SendOperation, OpenApiValidator.OpenApiError> = Effect.map(
  OpenApiValidator.load(new URL("../fixtures/kpn-sms-openapi.yml", import.meta.url), { validate: true }),
  (api) => {
    const operation = OpenApiValidator.operation(api, "POST /send")
    return {
      path: `${api["basePath"]}/send`,
      host: api["host"],
      validate: (request, options) => {
        const problems = [
          ...OpenApiValidator.requestErrors(operation, {
            headers: request.headers,
            body: request.body.length === 0 ? undefined : JSON.parse(request.body),
            query: request.query
          })
        ]
        if (request.method !== "POST") problems.push(`method ${request.method} is not POST`)
        const authorization = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "authorization")
        if (options?.bearer !== false && !/^Bearer \S+$/.test(authorization?.[1] ?? "")) {
          problems.push("no OAuth2 bearer token")
        }
        return problems
      }
    }
  }
)
