export { parseTemplate, renderTemplate } from "./template.js";
export type { ParsedTemplate, TemplateError, TemplateSlot } from "./template.js";
export { locateJsonError } from "./jsonError.js";
export type { JsonSyntaxError } from "./jsonError.js";
export {
  DEFAULT_JSONL_LIMITS,
  columnValue,
  columnsOf,
  hasColumn,
  parseJsonlHead,
  readJsonlHead,
} from "./jsonl.js";
export type { DatasetHead, JsonlHead, JsonlLimits, JsonlProblem, JsonlRow } from "./jsonl.js";
