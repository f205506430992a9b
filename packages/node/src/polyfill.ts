// Node 20 lacks Promise.withResolvers, which much of the libp2p 3 / helia 7 stack calls.
// Every entry point (CLI, test setup, benchmarks) imports this module first; it is a no-op on Node 22+ and Electron.
if (typeof (Promise as any).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T> () {
      let resolve!: (value: T | PromiseLike<T>) => void
      let reject!: (reason?: unknown) => void
      const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej })
      return { promise, resolve, reject }
    }
  })
}
export {}
