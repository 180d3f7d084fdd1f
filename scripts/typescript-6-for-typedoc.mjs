// Loaded with `node --import` before typedoc (see scripts/docs.ts). typedoc is built on the
// TypeScript compiler's JavaScript API, which TypeScript 7 (the project's compiler, a native
// binary) no longer has: typedoc's `import "typescript"` is answered with TypeScript 6, the dev
// dependency "typescript-6" (an npm alias), and nothing else changes.
import { register } from "node:module";

const hook = `export async function resolve(specifier, context, next) {
  const fromTypedoc = specifier === "typescript" && context.parentURL?.includes("/node_modules/typedoc/");
  return next(fromTypedoc ? "typescript-6" : specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
