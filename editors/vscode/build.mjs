// Builds the VS Code extension into a .vsix, offline: esbuild bundles the client (with
// vscode-languageclient) and the language server (the compiler and `align lsp`, with its
// dependencies) into single files, and the archive is written directly (a .vsix is a zip with
// a manifest). Usage: node editors/vscode/build.mjs [--out DIR]   (default editors/vscode/dist)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { zip } from "./zip.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const outArg = process.argv.indexOf("--out");
const out = outArg >= 0 ? path.resolve(process.argv[outArg + 1]) : path.join(here, "dist");
const stage = path.join(out, "extension");
const manifest = JSON.parse(readFileSync(path.join(here, "package.json"), "utf8"));

/** The compiler loads chevrotain's single-file build at run time; the bundle imports it statically. */
const chevrotainBundled = {
  name: "chevrotain-bundled",
  setup(b) {
    b.onResolve({ filter: /\/chevrotain\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}grammar${path.sep}`) ? { path: path.join(here, "src", "chevrotain.ts") } : undefined,
    );
  },
};

/** The server loads vscode-languageserver with require() (lsp/protocol.ts); the bundle imports it statically. */
const protocolBundled = {
  name: "protocol-bundled",
  setup(b) {
    b.onResolve({ filter: /\/protocol\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}lsp${path.sep}`) ? { path: path.join(here, "src", "protocol.ts") } : undefined,
    );
  },
};

async function bundle() {
  rmSync(out, { recursive: true, force: true });
  const common = { bundle: true, platform: "node", target: "node18", logLevel: "warning", legalComments: "none", minify: true };
  await build({ ...common, entryPoints: [path.join(here, "src/extension.ts")], outfile: path.join(stage, "out/extension.js"), format: "cjs", external: ["vscode"] });
  await build({
    ...common,
    entryPoints: [path.join(here, "src/server.ts")],
    outfile: path.join(stage, "server/align-lsp.mjs"),
    format: "esm",
    plugins: [chevrotainBundled, protocolBundled],
    // CommonJS dependencies (vscode-languageserver) call require() for Node's built-ins.
    banner: { js: "import { createRequire as __alignRequire } from 'node:module'; const require = __alignRequire(import.meta.url);" },
  });
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension=".json" ContentType="application/json"/><Default Extension=".js" ContentType="application/javascript"/><Default Extension=".mjs" ContentType="application/javascript"/><Default Extension=".md" ContentType="text/markdown"/><Default Extension=".vsixmanifest" ContentType="text/xml"/></Types>
`;

function xml(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function vsixManifest() {
  return `<?xml version="1.0" encoding="utf-8"?>
<PackageManifest Version="2.0.0" xmlns="http://schemas.microsoft.com/developer/vsx-schema/2011" xmlns:d="http://schemas.microsoft.com/developer/vsx-schema-design/2011">
  <Metadata>
    <Identity Language="en-US" Id="${xml(manifest.name)}" Version="${xml(manifest.version)}" Publisher="${xml(manifest.publisher)}" />
    <DisplayName>${xml(manifest.displayName)}</DisplayName>
    <Description xml:space="preserve">${xml(manifest.description)}</Description>
    <Tags>align,__ext_align</Tags>
    <Categories>${xml(manifest.categories.join(","))}</Categories>
    <GalleryFlags>Public</GalleryFlags>
    <Properties>
      <Property Id="Microsoft.VisualStudio.Code.Engine" Value="${xml(manifest.engines.vscode)}" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionDependencies" Value="" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionPack" Value="" />
      <Property Id="Microsoft.VisualStudio.Code.ExtensionKind" Value="workspace" />
      <Property Id="Microsoft.VisualStudio.Code.LocalizedLanguages" Value="" />
      <Property Id="Microsoft.VisualStudio.Services.GitHubFlavoredMarkdown" Value="true" />
    </Properties>
  </Metadata>
  <Installation>
    <InstallationTarget Id="Microsoft.VisualStudio.Code" />
  </Installation>
  <Dependencies />
  <Assets>
    <Asset Type="Microsoft.VisualStudio.Code.Manifest" Path="extension/package.json" Addressable="true" />
    <Asset Type="Microsoft.VisualStudio.Services.Content.Details" Path="extension/README.md" Addressable="true" />
  </Assets>
</PackageManifest>
`;
}

function archive() {
  const files = [
    ["extension/package.json", path.join(here, "package.json")],
    ["extension/README.md", path.join(here, "README.md")],
    ["extension/language-configuration.json", path.join(here, "language-configuration.json")],
    ["extension/syntaxes/align.tmLanguage.json", path.join(here, "syntaxes/align.tmLanguage.json")],
    ["extension/out/extension.js", path.join(stage, "out/extension.js")],
    ["extension/server/align-lsp.mjs", path.join(stage, "server/align-lsp.mjs")],
  ];
  const entries = [
    { name: "[Content_Types].xml", data: Buffer.from(CONTENT_TYPES) },
    { name: "extension.vsixmanifest", data: Buffer.from(vsixManifest()) },
    ...files.map(([name, file]) => ({ name, data: readFileSync(file) })),
  ];
  const vsix = path.join(out, `${manifest.name}-${manifest.version}.vsix`);
  mkdirSync(out, { recursive: true });
  writeFileSync(vsix, zip(entries));
  return vsix;
}

await bundle();
const vsix = archive();
process.stdout.write(`${path.relative(process.cwd(), vsix) || vsix}\n`);
