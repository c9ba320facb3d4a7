// In the bundle the compiler's chevrotain loader (grammar/chevrotain.ts, which finds the
// package's single-file build at run time) is replaced by a static import of that same build.
// @ts-expect-error -- the single-file build has no declarations of its own; the types are the package's.
export { createToken, CstParser, EOF, Lexer, generateCstDts } from "../../../node_modules/chevrotain/lib/chevrotain.mjs";
