/**
 * API keys and tokens belong in the environment (`env("NAME")`), never in a recipe: recipes
 * are committed, copied into bundles and hashed into lockfiles.
 */
import type { StringLiteral } from "../../../grammar/ast.js";
import type { CodeInfo } from "../../diagnostics/types.js";
import type { Rule } from "../rule.js";
import { declarations, stringsOf } from "./support/ast.js";

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

export function secretFinding(value: string, name: string | undefined): Finding | undefined {
  const known = KNOWN_FORMATS.find((format) => format.pattern.test(value));
  if (known) return known;
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(value)) return { what: "a URL with a password in it", env: "URL" };
  if (name !== undefined && SECRET_NAME.test(name) && looksRandom(value)) {
    return { what: `a random-looking value in \`${name}\``, env: name.toUpperCase() };
  }
  return undefined;
}

export const secretLiteralRule: Rule = {
  name: "SecretLiteral",
  codes: [secretLiteralCode.code],
  check(context) {
    return context.documents.flatMap((document) =>
      declarations(document).flatMap((decl) =>
        stringsOf(decl).flatMap(({ literal, name }) => {
          // A literal where the schema wants env("NAME") is already a type error (AL3007).
          if (name === "api_key") return [];
          const finding = secretFinding(literal.value, name);
          return finding ? [report(context, literal, name, finding)] : [];
        }),
      ),
    );
  },
};

function report(context: Parameters<Rule["check"]>[0], literal: StringLiteral, name: string | undefined, finding: Finding) {
  const env = `env("${finding.env}")`;
  const field = name === undefined ? "a string" : `\`${name}\``;
  // A URL field takes no env(): its credentials move to the endpoint's own key.
  const url = finding.env === "URL";
  return context.diagnostic(secretLiteralCode.code, literal.span, `${field} looks like a secret written literally: ${finding.what}`, {
    help: url
      ? 'remove the credentials from the URL and give the key as `api_key = env("NAME")` on the endpoint, and rotate the exposed password'
      : `read it from the environment instead: \`${name ?? "api_key"} = ${env}\`, and rotate the exposed secret`,
    ...(!url && name !== undefined && SECRET_NAME.test(name)
      ? { fix: { title: `replace the literal with \`${env}\``, edits: [{ span: literal.span, newText: env }] } }
      : {}),
  });
}
