/**
 * Named routes, loaded from a JSON file (`SWITCHBOARD_ROUTES`, default the app's `routes.json`):
 *
 * ```json
 * { "routes": [ { "name": "default", "steps": [ { "channel": "whatsapp", "successOn": "read", "within": "30 seconds" } ] } ] }
 * ```
 *
 * Each route is decoded with `Route.decode` from `@switchboard/router` (so the file gets the same defaults and
 * the same error messages as an inline route in `POST /messages`).
 *
 * @example
 * ```ts
 * import { Routes } from "@switchboard/sample/Routes"
 * import { Effect } from "effect"
 *
 * const names = Effect.map(Routes.load("routes.json"), (routes) => [...routes.keys()])
 * ```
 *
 * @since 0.1.0
 */
import * as Route from "@switchboard/router/Route"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"

/**
 * The routes file could not be read or holds an invalid route.
 *
 * @since 0.1.0
 * @category errors
 */
export class RoutesError extends Schema.TaggedError<RoutesError>("@switchboard/sample/Routes/RoutesError")(
  "RoutesError",
  { message: Schema.String }
) {}

/**
 * Decodes the content of a routes file.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decode = (input: unknown, source = "the routes file"): Effect.Effect<ReadonlyMap<string, Route.Route>, RoutesError> =>
  Effect.gen(function*() {
    const list = input !== null && typeof input === "object" && !Array.isArray(input) && "routes" in input
      ? (input as { readonly routes: unknown }).routes
      : input
    if (!Array.isArray(list)) {
      return yield* new RoutesError({ message: `${source} must be { "routes": [ … ] }` })
    }
    const routes = new Map<string, Route.Route>()
    for (let index = 0; index < list.length; index++) {
      const route = yield* Route.decode(list[index]).pipe(
        Effect.mapError((error) => new RoutesError({ message: `${source}, route ${index + 1}: ${error.message}` }))
      )
      if (route.name === undefined || route.name.trim().length === 0) {
        return yield* new RoutesError({ message: `${source}, route ${index + 1}: every route needs a "name"` })
      }
      if (routes.has(route.name)) {
        return yield* new RoutesError({ message: `${source}: two routes are named "${route.name}"` })
      }
      routes.set(route.name, route)
    }
    return routes
  })

/**
 * Reads and decodes a routes file.
 *
 * @since 0.1.0
 * @category decoding
 */
export const load = (file: string): Effect.Effect<ReadonlyMap<string, Route.Route>, RoutesError> =>
  Effect.try({
    try: () => JSON.parse(fs.readFileSync(file, "utf8")) as unknown,
    catch: (error) =>
      new RoutesError({ message: `cannot read routes from ${file}: ${error instanceof Error ? error.message : String(error)}` })
  }).pipe(Effect.flatMap((input) => decode(input, file)))
