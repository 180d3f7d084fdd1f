/** What `bun-remoting/bun` is outside Bun: a clear error at import instead of a failure at first use. */
throw new Error('"bun-remoting/bun" runs on Bun only; under Node import "bun-remoting" (or "bun-remoting/node" for nodeTransport)');

export {};
