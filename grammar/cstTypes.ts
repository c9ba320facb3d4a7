import { generateCstDts } from "./chevrotain.js";
import { AlignParser } from "./parser.js";

/**
 * The text of grammar/cst.ts: TypeScript types of the CST, generated from the grammar by
 * chevrotain so that the lowering is type-checked against the rules. A test fails when the
 * file is stale; `ALIGN_ACCEPT=1 npx vitest run test/grammar` rewrites it.
 *
 * Under error recovery chevrotain returns partial nodes, so a child the types call required
 * may be absent: the lowering treats every child as optional.
 */
export function cstTypesSource(): string {
  const parser = new AlignParser({ validate: true });
  const body = generateCstDts(parser.getGAstProductions(), { includeVisitorInterface: false });
  return (
    "// Generated from grammar/parser.ts by grammar/cstTypes.ts; do not edit.\n" +
    "// Regenerate: ALIGN_ACCEPT=1 npx vitest run test/grammar/cst.test.ts\n" +
    body.replace(/import type \{ CstNode, ICstVisitor, IToken \}/, "import type { CstNode, IToken }")
  );
}
