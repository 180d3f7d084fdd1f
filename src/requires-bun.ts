/** What `bun-remoting/bun` gives outside Bun: a clear error instead of a failure at first use. */
throw new Error('"bun-remoting/bun" runs on Bun only; under Node import "bun-remoting" or "bun-remoting/node"');

export {};
