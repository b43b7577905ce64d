// The limit for webhook ingestion: a bare node:http server that reads each request's body, parses the JSON
// and answers 200. No verification, no storage, no framework.
//   listen {} → { url }
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as Processes from "../Processes.js"

let server: http.Server | undefined
let parsed = 0

Processes.serve(
  {
    listen: async () => {
      server = http.createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          try {
            JSON.parse(Buffer.concat(chunks).toString("utf8"))
            parsed++
            response.writeHead(200, { "content-type": "text/plain" }).end("OK")
          } catch {
            response.writeHead(400).end()
          }
        })
      })
      server.keepAliveTimeout = 60_000
      await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve))
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
    },
    parsed: () => Promise.resolve(parsed)
  },
  async () => {
    server?.closeAllConnections()
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())))
  }
)
