/** The judge server: `startJudgeServer(plan, options)`; see server.ts and docs/server.md. */
export { startJudgeServer } from "./server.js";
export type { JudgeServer, JudgeServerOptions } from "./server.js";
export { parseJudgeRequest, formatPath } from "./request.js";
export type { WireResponse, WireResult, WireVerdict } from "./response.js";
