// @ts-check
// The protocol as VS Code speaks it: the real `onus lsp`, driven with `vscode-languageserver-protocol` (the library
// VS Code's client is built on) and initialized with the capabilities VS Code's client sends. It opens a Terraform
// file with a public S3 bucket, pulls the finding (VS Code's client can pull, so the server pushes nothing: the
// client keeps pushed and pulled diagnostics apart and would show each finding twice), hovers it, asks for its
// quick-fixes, applies the preferred one's edits client-side as VS Code does, sends the change, and checks the
// finding is gone; then shutdown and exit.
//
//   ONUS_BIN=/path/to/onus node --test test/protocol.test.js     (default: target/debug/onus of the repository)
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const cp = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  DidChangeConfigurationNotification,
  PublishDiagnosticsNotification,
  DocumentDiagnosticRequest,
  HoverRequest,
  CodeLensRequest,
  CodeActionRequest,
  CodeActionKind,
  RegistrationRequest,
  ConfigurationRequest,
  WorkDoneProgressCreateRequest,
  ShutdownRequest,
  ExitNotification,
  LogMessageNotification,
  TextDocumentSyncKind,
} = require("vscode-languageserver-protocol/node");
const { vscodeClientCapabilities } = require("./vscode-capabilities.js");

const REPO = path.resolve(__dirname, "../../..");
const ONUS = path.resolve(REPO, process.env.ONUS_BIN || "target/debug/onus");
const TIMEOUT = 20_000;

// A comment with characters that count differently in UTF-16 than in UTF-8, before the finding.
const MAIN_TF = `# Static assets — café ☕ 😀

resource "aws_s3_bucket" "assets" {
  bucket = "example-public-assets"
  acl    = "public-read"
}
`;

/**
 * Resolves with the first value `poll` returns that is not undefined, or rejects after `ms`.
 * @template T
 * @param {string} what
 * @param {() => T | undefined} poll
 * @returns {Promise<T>}
 */
function waitFor(what, poll, ms = TIMEOUT) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const value = poll();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > ms) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/** The offset in `text` (a JS string: UTF-16 code units, as the negotiated encoding) of an LSP position. */
function offsetAt(/** @type {string} */ text, /** @type {{line: number, character: number}} */ pos) {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  let end = text.indexOf("\n", offset);
  if (end < 0) end = text.length;
  if (end > offset && text[end - 1] === "\r") end--;
  return Math.min(offset + pos.character, end);
}

/**
 * Applies a WorkspaceEdit's text edits to one document as VS Code does: all ranges refer to the text before the
 * edit; VS Code applies them from the last to the first and reports each as one incremental content change, in
 * that order, so that each change's range is valid on the text the previous one produced.
 * @param {string} text
 * @param {import("vscode-languageserver-protocol").TextEdit[]} edits
 */
function applyEdits(text, edits) {
  const sorted = [...edits].sort(
    (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
  );
  /** @type {import("vscode-languageserver-protocol").TextDocumentContentChangeEvent[]} */
  const changes = [];
  for (const e of sorted) {
    const start = offsetAt(text, e.range.start);
    const end = offsetAt(text, e.range.end);
    text = text.slice(0, start) + e.newText + text.slice(end);
    changes.push({ range: e.range, text: e.newText });
  }
  return { text, changes };
}

describe("onus lsp, driven as VS Code drives it", () => {
  /** @type {cp.ChildProcessWithoutNullStreams} */
  let server;
  /** @type {import("vscode-languageserver-protocol").ProtocolConnection} */
  let connection;
  /** @type {Promise<{code: number | null, signal: string | null}>} */
  let exited;
  let stderr = "";
  let workspace = "";
  let uri = "";
  let text = MAIN_TF;
  let version = 1;
  /** @type {Map<string, {version?: number, diagnostics: import("vscode-languageserver-protocol").Diagnostic[]}[]>} */
  const published = new Map();
  /** @type {string[]} */
  const registered = [];
  /** @type {string[]} */
  const logs = [];

  /** The diagnostics VS Code pulls for `uri` (for the text the server has been sent so far). */
  async function pulled() {
    const report = await connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    assert.equal(report.kind, "full");
    return /** @type {import("vscode-languageserver-protocol").FullDocumentDiagnosticReport} */ (report).items;
  }

  before(async () => {
    assert.ok(
      fs.existsSync(ONUS),
      `no onus binary at ${ONUS}: run \`cargo build\` first, or set ONUS_BIN to the binary`,
    );
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), "onus-vscode-"));
    const file = path.join(workspace, "main.tf");
    fs.writeFileSync(file, MAIN_TF);
    uri = pathToFileURL(file).href;

    server = cp.spawn(ONUS, ["lsp"], { cwd: workspace, stdio: ["pipe", "pipe", "pipe"] });
    server.stderr.on("data", (d) => (stderr += d));
    exited = new Promise((resolve) => server.on("exit", (code, signal) => resolve({ code, signal })));
    connection = createProtocolConnection(
      new StreamMessageReader(server.stdout),
      new StreamMessageWriter(server.stdin),
    );
    // What VS Code's client answers to the server's requests.
    connection.onRequest(RegistrationRequest.type, (params) => {
      registered.push(...params.registrations.map((r) => r.method));
      return null;
    });
    connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => null));
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const list = published.get(p.uri) ?? [];
      list.push({ version: p.version, diagnostics: p.diagnostics });
      published.set(p.uri, list);
    });
    connection.onNotification(LogMessageNotification.type, (p) => logs.push(p.message));
    connection.listen();
  });

  after(() => {
    connection?.dispose();
    if (server && server.exitCode === null && server.signalCode === null) server.kill();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("initializes with VS Code's client capabilities", async () => {
    const capabilities = vscodeClientCapabilities();
    assert.deepEqual(capabilities.general?.positionEncodings, ["utf-16"]);
    assert.equal(capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration, true);
    const result = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: "Visual Studio Code", version: "1.95.0" },
      locale: "en",
      rootPath: workspace,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: path.basename(workspace) }],
      capabilities,
      // What the extension sends (src/extension.ts): rule settings, which the server applies on top of `.onus.toml`.
      initializationOptions: { rules: { disable: [], severity: {} } },
      trace: "off",
    });
    assert.equal(result.serverInfo?.name, "onus");
    const caps = result.capabilities;
    assert.equal(caps.positionEncoding, "utf-16");
    const sync = /** @type {import("vscode-languageserver-protocol").TextDocumentSyncOptions} */ (caps.textDocumentSync);
    assert.equal(sync.openClose, true);
    assert.equal(sync.change, TextDocumentSyncKind.Incremental);
    assert.ok(caps.hoverProvider);
    assert.ok(caps.codeLensProvider);
    assert.ok(caps.diagnosticProvider);
    const actions = /** @type {import("vscode-languageserver-protocol").CodeActionOptions} */ (caps.codeActionProvider);
    // Quick-fixes, and "fix all" for `editor.codeActionsOnSave`.
    assert.deepEqual(actions.codeActionKinds, [CodeActionKind.QuickFix, "source.fixAll.onus"]);

    await connection.sendNotification(InitializedNotification.type, {});
    // VS Code registers the file watchers the server asks for (it offers dynamic registration).
    await waitFor("the file watchers' registration", () =>
      registered.includes("workspace/didChangeWatchedFiles") ? true : undefined,
    );
    // The settings the extension sends when they change: accepted and ignored, the server keeps going.
    await connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { onus: { rules: { disable: ["s3-versioning-disabled"], severity: {} } } },
    });
  });

  it("answers VS Code's pull with the public-read finding, and pushes nothing", async () => {
    await connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: "terraform", version, text },
    });
    const diags = await pulled();
    const finding = diags.find((d) => d.code === "s3-public-acl");
    assert.ok(finding, `no s3-public-acl among ${JSON.stringify(diags.map((d) => d.code))}`);
    assert.equal(finding.source, "onus");
    // Line 4 is `  acl    = "public-read"`; the comment's non-ASCII characters are on line 0 only.
    assert.equal(finding.range.start.line, 4);
    assert.match(finding.message, /\[data-sharing\]/);
    // Nothing is pushed besides: VS Code would show the finding twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(published.get(uri) ?? [], []);
  });

  it("hovers the bucket and the finding in markdown", async () => {
    // On the resource type in the header.
    const onResource = await connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 2, character: 12 },
    });
    assert.ok(onResource, "no hover on the resource");
    const contents = /** @type {import("vscode-languageserver-protocol").MarkupContent} */ (onResource.contents);
    assert.equal(contents.kind, "markdown");
    assert.ok(contents.value.length > 0);

    // On the finding.
    const onFinding = await connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 4, character: 14 },
    });
    assert.ok(onFinding, "no hover on the finding");
    const value = /** @type {import("vscode-languageserver-protocol").MarkupContent} */ (onFinding.contents).value;
    assert.match(value, /public/i);
  });

  it("shows a code lens above the bucket", async () => {
    const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.ok(lenses && lenses.some((l) => l.range.start.line === 2 && l.command?.title), JSON.stringify(lenses));
  });

  it("fixes the finding with the preferred quick-fix, applied client-side", async () => {
    const diags = await pulled();
    const finding = diags.find((d) => d.code === "s3-public-acl");
    assert.ok(finding);
    // As VS Code asks on the lightbulb: the finding's range, its diagnostics in the context, quick-fixes only.
    const actions = await connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: finding.range,
      context: { diagnostics: [finding], only: [CodeActionKind.QuickFix], triggerKind: 1 },
    });
    assert.ok(actions && actions.length > 0, "no code actions");
    const fixes = /** @type {import("vscode-languageserver-protocol").CodeAction[]} */ (
      actions.filter((a) => "kind" in a && a.kind === CodeActionKind.QuickFix)
    );
    const preferred = fixes.find((a) => a.isPreferred && a.diagnostics?.some((d) => d.code === "s3-public-acl"));
    assert.ok(preferred, `no preferred quick-fix among ${JSON.stringify(fixes.map((a) => a.title))}`);
    assert.ok(
      fixes.some((a) => /suppress/i.test(a.title)),
      "a suppression action is offered too",
    );

    const edits = preferred.edit?.changes?.[uri];
    assert.ok(edits && edits.length > 0, `the preferred fix has no edits for ${uri}: ${JSON.stringify(preferred)}`);
    const applied = applyEdits(text, edits);
    assert.notEqual(applied.text, text);
    assert.doesNotMatch(applied.text, /public-read/);
    // Only the finding's line changed.
    const [before, now] = [text.split("\n"), applied.text.split("\n")];
    assert.equal(now.length, before.length);
    assert.deepEqual(now.filter((_, i) => i !== 4), before.filter((_, i) => i !== 4));
    assert.match(now[4], /^\s*acl\s*=/);
    text = applied.text;
    version += 1;
    await connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: applied.changes,
    });

    const after = await pulled();
    assert.ok(
      !after.some((d) => d.code === "s3-public-acl"),
      `the finding is still there: ${JSON.stringify(after.map((d) => d.code))}`,
    );
    assert.deepEqual(published.get(uri) ?? [], [], "nothing is pushed for the changed file either");
  });

  it("ends with code 0 on shutdown and exit", async () => {
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`onus lsp did not exit within 5 s; stderr:\n${stderr}`)), 5000);
    });
    try {
      const { code, signal } = await Promise.race([exited, timeout]);
      assert.equal(signal, null);
      assert.equal(code, 0, `exit code ${code}; stderr:\n${stderr}`);
    } finally {
      clearTimeout(timer);
    }
  });
});
