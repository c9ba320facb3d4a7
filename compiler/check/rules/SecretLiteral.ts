/**
 * API keys and tokens belong in the environment (`env("NAME")`), never in a recipe: recipes
 * are committed, copied into bundles and hashed into lockfiles.
 */
import type { Declaration, Document, StringLiteral } from "../../../grammar/ast.js";
import type { Diagnostic } from "../../../grammar/diagnostic.js";
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { declarations, declarationsAt, walkDeclaration } from "./support/ast.js";

export const secretLiteralCode: CodeInfo = {
  code: "AL4010",
  severity: "warning",
  title: "secret written literally",
  description:
    "A string looks like an API key, token or password: a known key format (`sk-…`, " +
    "`hf_…`, `ghp_…`, `AKIA…`), credentials in a URL, or a long random-looking value in a " +
    "field named like key/token/secret/password. Recipes end up in version control and " +
    "bundles; read secrets from the environment with `env(\"NAME\")`.",
  example: 'judge j = custom { module = "judges/j.ts"  options { hf_token = "hf_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW" } }\n',
};

const KNOWN_FORMATS: readonly { readonly pattern: RegExp; readonly what: string; readonly env: string }[] = [
  { pattern: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/, what: "an OpenAI-style API key (`sk-…`)", env: "OPENAI_API_KEY" },
  { pattern: /\bhf_[A-Za-z0-9]{20,}/, what: "a Hugging Face token (`hf_…`)", env: "HF_TOKEN" },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}/, what: "a GitHub token", env: "GITHUB_TOKEN" },
  { pattern: /\bAKIA[0-9A-Z]{16}\b/, what: "an AWS access key id", env: "AWS_ACCESS_KEY_ID" },
  { pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/, what: "a Slack token", env: "SLACK_TOKEN" },
  { pattern: /\bglpat-[A-Za-z0-9_-]{20,}/, what: "a GitLab token", env: "GITLAB_TOKEN" },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}/, what: "a Google API key", env: "GOOGLE_API_KEY" },
];

const SECRET_NAME = /(^|_)(api_?key|key|token|secret|password|passwd|credentials?|auth)($|_)/i;

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / text.length) * Math.log2(count / text.length);
  return bits;
}

/** Random-looking: long, no spaces, letters and digits mixed, high entropy. */
function looksRandom(value: string): boolean {
  return value.length >= 16 && !/\s/.test(value) && /[A-Za-z]/.test(value) && /[0-9]/.test(value) && entropy(value) >= 3.5;
}

interface Finding {
  readonly what: string;
  readonly env: string;
}

/** Text every known format starts with: most strings contain none, and one scan rules all seven out. */
const KNOWN_PREFIX = /sk-|hf_|gh[pousr]_|AKIA|xox[abprs]-|glpat-|AIza/;

export function secretFinding(value: string, name: string | undefined): Finding | undefined {
  const known = KNOWN_PREFIX.test(value) ? KNOWN_FORMATS.find((format) => format.pattern.test(value)) : undefined;
  if (known) return known;
  if (value.includes("://") && /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(value)) return { what: "a URL with a password in it", env: "URL" };
  if (name !== undefined && value.length >= 16 && SECRET_NAME.test(name) && looksRandom(value)) {
    return { what: `a random-looking value in \`${name}\``, env: name.toUpperCase() };
  }
  return undefined;
}

/**
 * Text that every finding's source holds: a known format's prefix (`KNOWN_PREFIX`), `://`, an
 * escape (which can spell any of them), or a secret-like field name's stem (case aside). A string's decoded value
 * keeps its characters' order and adjacency apart from escapes (`"""` strings only drop
 * indentation and join lines with `\n`), and field names are identifiers written as they are.
 */
const FINDING_SOURCE = new RegExp(`${KNOWN_PREFIX.source}|:\\/\\/|\\\\|key|token|secret|passw|credential|auth`, "gi");

/**
 * The declarations a finding can come from: those whose source holds `FINDING_SOURCE` (one
 * scan of the text is several times cheaper than walking every value of a large file), or
 * every declaration when the text is unknown.
 */
function declarationsToWalk(document: Document, text: string | undefined): readonly Declaration[] {
  if (text === undefined) return declarations(document);
  const offsets: number[] = [];
  FINDING_SOURCE.lastIndex = 0;
  for (let match = FINDING_SOURCE.exec(text); match !== null; match = FINDING_SOURCE.exec(text)) offsets.push(match.index);
  return offsets.length === 0 ? [] : declarationsAt(document, offsets);
}

export const secretLiteralRule: Rule = {
  name: "SecretLiteral",
  codes: [secretLiteralCode.code],
  check(context) {
    const out: Diagnostic[] = [];
    for (const document of context.documents) {
      for (const decl of declarationsToWalk(document, context.textOf?.(document))) {
        walkDeclaration(decl, (value, name) => {
          // A literal where the schema wants env("NAME") is already a type error (AL3007).
          if (value.kind !== "String" || name === "api_key") return;
          const finding = secretFinding(value.value, name);
          if (finding) out.push(report(context, value, name, finding));
        });
      }
    }
    return out;
  },
};

function report(context: Parameters<Rule["check"]>[0], literal: StringLiteral, name: string | undefined, finding: Finding) {
  const field = name === undefined ? "a string" : `\`${name}\``;
  // Only `api_key` fields (skipped above) take env("NAME"); anywhere else env() is a type
  // error, so the help never offers it there and there is no fix-it.
  const url = finding.env === "URL";
  return context.diagnostic(secretLiteralCode.code, literal.span, `${field} looks like a secret written literally: ${finding.what}`, {
    help: url
      ? 'remove the credentials from the URL and give the key as `api_key = env("NAME")` on the endpoint, and rotate the exposed password'
      : `remove it from the recipe (only \`api_key\` fields take \`env("NAME")\`): let the code that needs it read \`${finding.env}\` from its environment (a custom judge: \`process.env.${finding.env}\`), and rotate the exposed secret`,
  });
}
