// A client worker: hosts contenders (see Contenders.ts) and runs them when the orchestrator asks.
//   setup  { handle, name, setup }      → builds the contender
//   run    { handle, count, concurrency } → Driver.RunResult
//   close  { handle }
import * as Contenders from "../Contenders.js"
import * as Processes from "../Processes.js"

const contenders = new Map<string, Contenders.Contender>()

const get = (handle: string): Contenders.Contender => {
  const contender = contenders.get(handle)
  if (contender === undefined) throw new Error(`no contender ${handle}`)
  return contender
}

Processes.serve(
  {
    setup: async (args: { handle: string; name: Contenders.Name; setup: Contenders.Setup }) => {
      contenders.set(args.handle, await Contenders.make(args.name, args.setup))
      return null
    },
    run: (args: { handle: string; count: number; concurrency: number }) =>
      get(args.handle).run(args.count, args.concurrency),
    close: async (args: { handle: string }) => {
      await get(args.handle).close()
      contenders.delete(args.handle)
      return null
    }
  },
  async () => {
    for (const contender of contenders.values()) await contender.close()
  }
)
