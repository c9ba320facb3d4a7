/** The compiler's version, written into every plan (a test keeps it equal to package.json's). */
export const COMPILER_VERSION = "0.1.0";

/** The plan IR version (docs/plan.md). */
export const PLAN_VERSION = 1;
