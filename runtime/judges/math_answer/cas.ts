/**
 * The restricted CAS: mathjs parses arithmetic, and this module compiles the parse tree into a
 * plain-number evaluator. Nothing from an answer is ever evaluated by mathjs itself: the input
 * is limited to an arithmetic alphabet before parsing, and the tree is rejected unless it uses
 * only numbers, variables, + - * / ^ !, parentheses and a whitelist of elementary functions.
 * No assignment, function definition, import, matrix, unit, string or property access can get
 * through, and sizes are capped so a hostile answer costs microseconds, not seconds.
 */

import type { MathNode } from "mathjs";
import { createRequire } from "node:module";

export type Env = Readonly<Record<string, number>>;
export type Evaluator = (env: Env) => number;

export interface CasExpression {
  /** Free variables, sorted. */
  readonly vars: readonly string[];
  readonly evaluate: Evaluator;
}

/** Caps: the expression text, its parse-tree size, and nesting (mathjs's parser recurses). */
export const MAX_CAS_CHARS = 400;
export const MAX_CAS_NODES = 160;
export const MAX_CAS_DEPTH = 24;

/** The arithmetic alphabet: no quotes, brackets, semicolons, `=`, `:`, `?`, `.`-access, etc. */
const ALPHABET = /^[0-9a-zA-Z_+\-*/^!(),.\s]*$/;

const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E, inf: Infinity };

const GREEK = new Set(
  ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi " +
    "omicron rho varrho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma " +
    "Upsilon Phi Psi Omega").split(" "),
);

const SUBSCRIPTED = /^[a-zA-Z]_[a-zA-Z0-9]+$/;

/** Own-property lookup: names come from hostile text and must never reach `__proto__` & co. */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export interface CasOptions {
  /**
   * Read an unknown multi-letter name as a product of one-letter variables (`ab` → a·b), as
   * algebra answers mean. Off for answers without any mathematics in them, so a word stays a
   * word instead of becoming a commutative product of its letters.
   */
  readonly splitNames: boolean;
}

type Parse = (expression: string) => MathNode;

let parser: Parse | null = null;

/**
 * mathjs's parser, loaded on first use (or when a symbolic judge is created). It comes from the
 * package's single-file bundle (an exported path): the ESM entry loads hundreds of modules and
 * takes seconds, the bundle a quarter of a second; it is the same mathjs version and parser.
 */
export function loadParser(): Parse {
  if (parser === null) {
    const require = createRequire(import.meta.url);
    parser = (require("mathjs/lib/browser/math.js") as { parse: Parse }).parse;
  }
  return parser;
}

/** Parses and compiles an expression in mathjs syntax, or returns null if it is not allowed. */
export function compileExpression(source: string, options: CasOptions): CasExpression | null {
  if (source.length > MAX_CAS_CHARS || !ALPHABET.test(source)) return null;
  // mathjs's parser costs about 5 µs a token and recurses on nesting: bound both before it runs.
  if (parenDepth(source) > MAX_CAS_DEPTH || tokenCount(source) > MAX_CAS_NODES) return null;
  let tree: MathNode;
  try {
    tree = loadParser()(source);
  } catch {
    return null;
  }
  const state: CompileState = { nodes: 0, vars: new Set(), splitNames: options.splitNames };
  const evaluate = compileNode(tree, state);
  return evaluate === null ? null : { vars: [...state.vars].sort(), evaluate };
}

function parenDepth(source: string): number {
  let depth = 0;
  let max = 0;
  for (const ch of source) {
    if (ch === "(") max = Math.max(max, ++depth);
    else if (ch === ")") depth--;
  }
  return max;
}

/** Tokens as the parser will see them: names, numbers and single-character operators. */
function tokenCount(source: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46;
    if (word) {
      if (!inWord) count++;
    } else if (c !== 32 && c !== 9 && c !== 10 && c !== 13) {
      count++;
    }
    inWord = word;
  }
  return count;
}

interface CompileState {
  nodes: number;
  readonly vars: Set<string>;
  readonly splitNames: boolean;
}

function compileNode(node: MathNode, state: CompileState): Evaluator | null {
  if (++state.nodes > MAX_CAS_NODES) return null;
  switch (node.type) {
    case "ConstantNode": {
      const value = (node as MathNode & { value: unknown }).value;
      return typeof value === "number" ? () => value : null;
    }
    case "ParenthesisNode":
      return compileNode((node as MathNode & { content: MathNode }).content, state);
    case "SymbolNode":
      return compileSymbol((node as MathNode & { name: string }).name, state);
    case "OperatorNode": {
      const op = node as MathNode & { fn: string; args: MathNode[] };
      return compileOperator(op.fn, compileArgs(op.args, state));
    }
    case "FunctionNode": {
      const call = node as MathNode & { fn: MathNode; args: MathNode[] };
      if (call.fn.type !== "SymbolNode") return null;
      return compileFunction((call.fn as MathNode & { name: string }).name, compileArgs(call.args, state));
    }
    default:
      return null;
  }
}

function compileArgs(args: readonly MathNode[], state: CompileState): Evaluator[] | null {
  const out: Evaluator[] = [];
  for (const arg of args) {
    const compiled = compileNode(arg, state);
    if (compiled === null) return null;
    out.push(compiled);
  }
  return out;
}

function compileSymbol(name: string, state: CompileState): Evaluator | null {
  const constant = own(CONSTANTS, name);
  if (constant !== undefined) return () => constant;
  if (name.length === 1 || GREEK.has(name) || SUBSCRIPTED.test(name)) {
    state.vars.add(name);
    return (env) => env[name] ?? NaN;
  }
  if (!state.splitNames || !/^[a-zA-Z]{2,6}$/.test(name)) return null;
  const letters = [...name];
  for (const letter of letters) state.vars.add(letter);
  return (env) => letters.reduce((product, letter) => product * (env[letter] ?? NaN), 1);
}

const BINARY: Readonly<Record<string, (a: number, b: number) => number>> = {
  add: (a, b) => a + b,
  subtract: (a, b) => a - b,
  multiply: (a, b) => a * b,
  divide: (a, b) => a / b,
  pow: (a, b) => a ** b,
};

const UNARY: Readonly<Record<string, (a: number) => number>> = {
  unaryMinus: (a) => -a,
  unaryPlus: (a) => a,
  factorial,
};

function compileOperator(fn: string, args: Evaluator[] | null): Evaluator | null {
  if (args === null) return null;
  const [a, b] = args;
  const binary = own(BINARY, fn);
  if (binary && a && b && args.length === 2) return (env) => binary(a(env), b(env));
  const unary = own(UNARY, fn);
  if (unary && a && args.length === 1) return (env) => unary(a(env));
  return null;
}

/** n! for integers up to 170 (beyond that a double overflows anyway); NaN otherwise. */
function factorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) return NaN;
  if (n > 170) return Infinity;
  let out = 1;
  for (let i = 2; i <= n; i++) out *= i;
  return out;
}

/** A real n-th root that, unlike `x ** (1/n)`, handles negative x with odd n. */
function nthRoot(x: number, n: number): number {
  if (!Number.isInteger(n) || n === 0) return NaN;
  if (x < 0) return Math.abs(n) % 2 === 1 ? -((-x) ** (1 / n)) : NaN;
  return x ** (1 / n);
}

const FUNCTIONS: Readonly<Record<string, { arity: readonly number[]; fn: (...args: number[]) => number }>> = {
  sqrt: { arity: [1], fn: Math.sqrt },
  cbrt: { arity: [1], fn: Math.cbrt },
  nthRoot: { arity: [2], fn: nthRoot },
  abs: { arity: [1], fn: Math.abs },
  exp: { arity: [1], fn: Math.exp },
  ln: { arity: [1], fn: Math.log },
  log: { arity: [1, 2], fn: (x, base) => (base === undefined ? Math.log(x) : Math.log(x) / Math.log(base)) },
  log10: { arity: [1], fn: Math.log10 },
  log2: { arity: [1], fn: Math.log2 },
  sin: { arity: [1], fn: Math.sin },
  cos: { arity: [1], fn: Math.cos },
  tan: { arity: [1], fn: Math.tan },
  sec: { arity: [1], fn: (x) => 1 / Math.cos(x) },
  csc: { arity: [1], fn: (x) => 1 / Math.sin(x) },
  cot: { arity: [1], fn: (x) => 1 / Math.tan(x) },
  asin: { arity: [1], fn: Math.asin },
  acos: { arity: [1], fn: Math.acos },
  atan: { arity: [1], fn: Math.atan },
  sinh: { arity: [1], fn: Math.sinh },
  cosh: { arity: [1], fn: Math.cosh },
  tanh: { arity: [1], fn: Math.tanh },
};

function compileFunction(name: string, args: Evaluator[] | null): Evaluator | null {
  const spec = own(FUNCTIONS, name);
  if (args === null || spec === undefined || !spec.arity.includes(args.length)) return null;
  const fn = spec.fn;
  if (args.length === 1) {
    const [a] = args as [Evaluator];
    return (env) => fn(a(env));
  }
  return (env) => fn(...args.map((arg) => arg(env)));
}
