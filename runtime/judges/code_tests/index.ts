/** The `code_tests` judge: unit tests run against the response's code in the sandbox. */
export { createCodeTestsJudge, type CodeTestsDeps, type CodeTestsJudge } from "./judge.js";
export { codeTestsConfigSchema, parseCodeTestsConfig, type CodeTestsConfig, type CodeTestsConfigInput } from "./config.js";
export { extractCode, fencedBlocks, type CodeBlock, type ExtractedCode } from "./extract.js";
export { normalizeTests, type TestSpec, type TestSpecResult } from "./tests_spec.js";
