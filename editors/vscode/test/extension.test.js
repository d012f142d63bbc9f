// @ts-check
// The extension as shipped (dist/extension.js, the esbuild bundle) run against a stand-in of the `vscode` API, since
// VS Code itself cannot run here: activation starts the real `onus lsp` through vscode-languageclient, with the
// arguments and initializationOptions the extension promises; the status bar item follows the server's state; the
// restart command restarts it; a settings change sends the rules or varFiles with workspace/didChangeConfiguration;
// an open document's findings reach VS Code once, through the client's own DiagnosticFeature (pull) and push
// handler, which keep two collections (a server doing both would show every finding twice);
// deactivation stops it; a missing binary gives a clear message and a red status item.
//
//   npm run bundle && ONUS_BIN=/path/to/onus node --test test/extension.test.js
"use strict";

const { describe, it, before, after } = require("node:test");
const assert = require("node:assert/strict");
const cp = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const Module = require("node:module");
const { standIn } = require("./vscode-capabilities.js");

const REPO = path.resolve(__dirname, "../../..");
const ONUS = path.resolve(REPO, process.env.ONUS_BIN || "target/debug/onus");
const BUNDLE = path.resolve(__dirname, "../dist/extension.js");

/** The settings the stand-in's `getConfiguration("onus")` answers. */
/** @type {Record<string, unknown>} */
let settings = {};
/** @type {unknown[][]} */
const errors = [];
/** @type {Record<string, (...args: any[]) => any>} */
const commands = {};
/** @type {((e: {affectsConfiguration: (s: string) => boolean}) => void)[]} */
const configListeners = [];
const status = { text: "", tooltip: "", command: "", name: "", backgroundColor: /** @type {unknown} */ (undefined), show() {}, hide() {}, dispose() {} };
/** @type {string[]} */
const output = [];

/** Every `onus` process the extension spawned: its arguments and the JSON-RPC messages written to it. */
/** @type {{args: readonly string[], sent: any[], exit: Promise<number | null>}[]} */
const spawned = [];

// The parts of the API the client's diagnostics go through (documents, tabs, events, diagnostic collections) are
// real enough for vscode-languageclient's own DiagnosticFeature and push handler to run as they do in VS Code.
class Uri {
  constructor(/** @type {string} */ scheme, /** @type {string} */ path) {
    this.scheme = scheme;
    this.path = path;
    this.fsPath = path;
  }
  toString() {
    return `${this.scheme}://${this.path.split("/").map(encodeURIComponent).join("/")}`;
  }
  static file(/** @type {string} */ path) {
    return new Uri("file", path);
  }
  static parse(/** @type {string} */ text) {
    const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(text);
    return m ? new Uri(m[1], decodeURIComponent(m[2])) : new Uri("untitled", text);
  }
}
class EventEmitter {
  constructor() {
    /** @type {((e: any) => void)[]} */
    this.listeners = [];
    this.event = (/** @type {(e: any) => void} */ listener) => {
      this.listeners.push(listener);
      return { dispose: () => this.listeners.splice(this.listeners.indexOf(listener), 1) };
    };
  }
  fire(/** @type {any} */ e) {
    for (const l of [...this.listeners]) l(e);
  }
  dispose() {}
}
class CancellationTokenSource {
  constructor() {
    const cancelled = new EventEmitter();
    this.token = { isCancellationRequested: false, onCancellationRequested: cancelled.event };
    this.cancel = () => {
      this.token.isCancellationRequested = true;
      cancelled.fire(undefined);
    };
  }
  dispose() {}
}
class Position {
  constructor(/** @type {number} */ line, /** @type {number} */ character) {
    this.line = line;
    this.character = character;
  }
}
class Range {
  constructor(/** @type {any[]} */ ...args) {
    const [start, end] =
      args.length === 4 ? [new Position(args[0], args[1]), new Position(args[2], args[3])] : [args[0], args[1]];
    /** @type {Position} */
    this.start = start;
    /** @type {Position} */
    this.end = end;
  }
}
class Diagnostic {
  constructor(/** @type {Range} */ range, /** @type {string} */ message, /** @type {number} */ severity) {
    this.range = range;
    this.message = message;
    this.severity = severity;
  }
}
class TabInputText {
  constructor(/** @type {Uri} */ uri) {
    this.uri = uri;
  }
}
/** Every diagnostic collection the client made (pushed diagnostics go to one, pulled ones to another). */
/** @type {{name: string | undefined, entries: Map<string, Diagnostic[]>}[]} */
const collections = [];
function diagnosticCollection(/** @type {string | undefined} */ name) {
  const entries = new Map();
  collections.push({ name, entries });
  const key = (/** @type {Uri} */ uri) => uri.toString();
  return {
    name,
    set(/** @type {any} */ uri, /** @type {Diagnostic[] | undefined} */ diags) {
      if (Array.isArray(uri)) for (const [u, d] of uri) entries.set(key(u), d ?? []);
      else if (diags === undefined) entries.delete(key(uri));
      else entries.set(key(uri), diags);
    },
    get: (/** @type {Uri} */ uri) => entries.get(key(uri)),
    has: (/** @type {Uri} */ uri) => entries.has(key(uri)),
    delete: (/** @type {Uri} */ uri) => entries.delete(key(uri)),
    clear: () => entries.clear(),
    forEach: (/** @type {any} */ f) => entries.forEach((d, u) => f(Uri.parse(u), d)),
    dispose: () => entries.clear(),
  };
}
/** Whether a document selector (a filter or a list of them) matches a document, as VS Code scores it. */
function matchScore(/** @type {any} */ selector, /** @type {any} */ doc) {
  const filters = Array.isArray(selector) ? selector : [selector];
  const one = (/** @type {any} */ f) =>
    typeof f === "string"
      ? f === doc.languageId
      : (f.language === undefined || f.language === doc.languageId) &&
        (f.scheme === undefined || f.scheme === doc.uri.scheme) &&
        (f.pattern === undefined || /\.(tf|tfvars)$/.test(doc.uri.fsPath));
  return filters.some(one) ? 10 : 0;
}
/** @type {any[]} */
const textDocuments = [];
/** @type {{input: TabInputText}[]} */
const tabs = [];
const documentOpened = new EventEmitter();
const tabsChanged = new EventEmitter();

const vscode = standIn({
  version: "1.95.0",
  Uri,
  EventEmitter,
  CancellationTokenSource,
  Position,
  Range,
  Diagnostic,
  TabInputText,
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  languages: standIn({ createDiagnosticCollection: diagnosticCollection, match: matchScore }),
  env: standIn({ language: "en", appName: "Visual Studio Code" }),
  workspace: standIn({
    getConfiguration: (/** @type {string} */ section) =>
      standIn({
        get: (/** @type {string} */ key, /** @type {unknown} */ fallback) =>
          section === "onus" && key in settings ? settings[key] : fallback,
        has: () => false,
      }),
    workspaceFolders: undefined,
    textDocuments,
    onDidOpenTextDocument: documentOpened.event,
    onDidChangeConfiguration: (/** @type {any} */ listener) => {
      configListeners.push(listener);
      return { dispose() {} };
    },
  }),
  window: standIn({
    activeTextEditor: undefined,
    tabGroups: { all: [{ tabs }], onDidChangeTabs: tabsChanged.event },
    createOutputChannel: () =>
      standIn({ appendLine: (/** @type {string} */ l) => output.push(l), append: (/** @type {string} */ l) => output.push(l) }),
    createStatusBarItem: () => status,
    showErrorMessage: (/** @type {unknown[]} */ ...args) => {
      errors.push(args);
      return Promise.resolve(undefined);
    },
  }),
  commands: standIn({
    registerCommand: (/** @type {string} */ id, /** @type {any} */ f) => {
      commands[id] = f;
      return { dispose() {} };
    },
  }),
  StatusBarAlignment: { Left: 1, Right: 2 },
  ThemeColor: class {
    constructor(/** @type {string} */ id) {
      this.id = id;
    }
  },
});

/** Parses the complete JSON-RPC messages in what was written to a server's stdin. */
function messages(/** @type {Buffer} */ data) {
  const out = [];
  let at = 0;
  for (;;) {
    const headerEnd = data.indexOf("\r\n\r\n", at);
    if (headerEnd < 0) break;
    const m = /Content-Length: (\d+)/i.exec(data.toString("ascii", at, headerEnd));
    if (!m) break;
    const start = headerEnd + 4;
    const end = start + Number(m[1]);
    if (end > data.length) break;
    out.push(JSON.parse(data.toString("utf8", start, end)));
    at = end;
  }
  return out;
}

function waitFor(/** @type {string} */ what, /** @type {() => boolean} */ cond, ms = 15000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (cond()) return resolve(undefined);
      if (Date.now() - started > ms) {
        return reject(new Error(`timed out waiting for ${what}; status ${status.text}; output:\n${output.join("\n")}`));
      }
      setTimeout(tick, 20);
    };
    tick();
  });
}

/** @type {any} */
let extension;
const spawn = cp.spawn;
const resolveFilename = /** @type {any} */ (Module)._resolveFilename;
/** @type {string | undefined} */
let emptyDir;

before(() => {
  assert.ok(fs.existsSync(BUNDLE), `no ${BUNDLE}: run \`npm run bundle\` first`);
  assert.ok(fs.existsSync(ONUS), `no onus binary at ${ONUS}: run \`cargo build\` first, or set ONUS_BIN`);
  /** @type {any} */ (Module)._resolveFilename = function (/** @type {string} */ request, /** @type {any[]} */ ...rest) {
    return request === "vscode" ? "vscode" : resolveFilename.call(this, request, ...rest);
  };
  require.cache["vscode"] = /** @type {any} */ ({ id: "vscode", filename: "vscode", loaded: true, exports: vscode });
  /** @type {any} */ (cp).spawn = function (/** @type {string} */ command, /** @type {string[]} */ args, /** @type {any} */ options) {
    const child = spawn.call(cp, command, args, options);
    const record = {
      args,
      /** @type {any[]} */ sent: [],
      exit: new Promise((resolve) => child.on("exit", (/** @type {number | null} */ code) => resolve(code))),
    };
    let written = Buffer.alloc(0);
    const stdin = /** @type {import("node:stream").Writable} */ (child.stdin);
    const write = stdin.write.bind(stdin);
    /** @type {any} */ (stdin).write = (/** @type {any} */ chunk, /** @type {any[]} */ ...rest) => {
      written = Buffer.concat([written, typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk)]);
      record.sent = messages(written);
      return write(chunk, ...rest);
    };
    spawned.push(record);
    return child;
  };
  extension = require(BUNDLE);
});

after(() => {
  /** @type {any} */ (cp).spawn = spawn;
  /** @type {any} */ (Module)._resolveFilename = resolveFilename;
  delete require.cache["vscode"];
  if (emptyDir) fs.rmSync(emptyDir, { recursive: true, force: true });
});

describe("the extension, as VS Code runs it", () => {
  it("starts `onus lsp` with the rules as initializationOptions, and shows it running", async () => {
    settings = {
      path: ONUS,
      "rules.disable": ["s3-versioning-disabled"],
      "rules.severity": { "s3-public-acl": "low" },
      varFiles: ["prod.tfvars"],
    };
    extension.activate({ subscriptions: [] });
    await waitFor("the server to run", () => status.text.includes("$(shield)"));
    assert.equal(status.command, "onus.restartServer");
    assert.ok(commands["onus.restartServer"] && commands["onus.showOutput"]);
    assert.equal(spawned.length, 1);
    assert.deepEqual(spawned[0].args, ["lsp"], "exactly `onus lsp`: the server takes no --stdio");
    const init = spawned[0].sent.find((m) => m.method === "initialize");
    assert.ok(init, "no initialize sent");
    assert.deepEqual(init.params.initializationOptions, {
      rules: { disable: ["s3-versioning-disabled"], severity: { "s3-public-acl": "low" } },
      varFiles: ["prod.tfvars"],
    });
    assert.deepEqual(init.params.capabilities.general.positionEncodings, ["utf-16"]);
    assert.deepEqual(errors, []);
  });

  it("sends changed rules with workspace/didChangeConfiguration", async () => {
    settings = { ...settings, "rules.disable": ["s3-public-acl"] };
    for (const listener of configListeners) {
      listener({ affectsConfiguration: (s) => s === "onus" || s === "onus.rules" || s === "onus.rules.disable" });
    }
    await waitFor("didChangeConfiguration", () =>
      spawned[0].sent.some((m) => m.method === "workspace/didChangeConfiguration"),
    );
    const sent = spawned[0].sent.filter((m) => m.method === "workspace/didChangeConfiguration").pop();
    assert.deepEqual(sent.params, {
      settings: { onus: { rules: { disable: ["s3-public-acl"], severity: { "s3-public-acl": "low" } } } },
    });
  });

  it("sends changed varFiles with workspace/didChangeConfiguration", async () => {
    settings = { ...settings, varFiles: ["prod.tfvars", "eu.tfvars.json"] };
    for (const listener of configListeners) {
      listener({ affectsConfiguration: (s) => s === "onus" || s === "onus.varFiles" });
    }
    await waitFor("varFiles sent", () =>
      spawned[0].sent.some((m) => m.method === "workspace/didChangeConfiguration" && m.params.settings.onus.varFiles),
    );
    const sent = spawned[0].sent.filter((m) => m.method === "workspace/didChangeConfiguration").pop();
    assert.deepEqual(sent.params, { settings: { onus: { varFiles: ["prod.tfvars", "eu.tfvars.json"] } } });
  });

  it("shows each finding of an open document once, in exactly one diagnostic collection", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "onus-vscode-"));
    const file = path.join(dir, "main.tf");
    const text = 'resource "aws_s3_bucket" "site" {\n  bucket = "site"\n  acl    = "public-read"\n}\n';
    fs.writeFileSync(file, text);
    const uri = Uri.file(file);
    const doc = { uri, fileName: file, languageId: "terraform", version: 1, isClosed: false, getText: () => text };
    // As VS Code orders it: the tab first, then the document's open event.
    tabs.push({ input: new TabInputText(uri) });
    tabsChanged.fire({ opened: [tabs[0]], closed: [], changed: [] });
    textDocuments.push(doc);
    documentOpened.fire(doc);
    const shown = () => collections.flatMap((c) => c.entries.get(uri.toString()) ?? []);
    await waitFor("the document's diagnostics", () => shown().length > 0);
    // A late duplicate (pushed after the pull) would arrive within this.
    await new Promise((r) => setTimeout(r, 1500));
    const holding = collections.filter((c) => (c.entries.get(uri.toString()) ?? []).length > 0);
    assert.equal(holding.length, 1, `findings in ${holding.length} collections: ${holding.map((c) => c.name)}`);
    // The same findings `onus check` reports for the file, each once, with the rule the settings disable
    // (`onus.rules.disable`, set above) skipped: the public access block rules it would carry are then shown.
    const checked = cp.spawnSync(ONUS, ["check", "--format", "json", "--skip", "s3-public-acl", file], {
      encoding: "utf8",
    });
    const expected = JSON.parse(checked.stdout).map((/** @type {any} */ f) => `${f.rule}@${f.line}`);
    const got = shown().map((/** @type {any} */ d) => `${d.code?.value ?? d.code}@${d.range.start.line + 1}`);
    assert.deepEqual(got.sort(), expected.sort());
    assert.ok(got.includes("s3-pab-block-public-acls@1") && !got.some((g) => g.startsWith("s3-public-acl@")), `${got}`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("restarts the server on the restart command", async () => {
    await commands["onus.restartServer"]();
    await waitFor("a second server", () => spawned.length === 2);
    await waitFor("the server to run again", () => status.text.includes("$(shield)"));
    assert.equal(await spawned[0].exit, 0, "the first server ends with code 0 (shutdown, then exit)");
  });

  it("stops the server on deactivation", async () => {
    await extension.deactivate();
    assert.match(status.text, /circle-slash/);
    assert.equal(await spawned[1].exit, 0);
  });

  it("says clearly when the configured binary is missing", async () => {
    settings = { path: "/nonexistent/onus" };
    extension.activate({ subscriptions: [] });
    await waitFor("an error message", () => errors.length > 0);
    assert.match(String(errors[0][0]), /onus\.path.*\/nonexistent\/onus.*does not exist/);
    assert.deepEqual(errors[0].slice(1), ["Open Settings", "Show Output"]);
    assert.match(status.text, /\$\(error\)/);
    assert.ok(status.backgroundColor, "the status item turns red");
    assert.equal(spawned.length, 2, "nothing was started");
    await extension.deactivate();
  });

  it("says clearly when onus is not on PATH", async () => {
    emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), "onus-nopath-"));
    const savedPath = process.env.PATH;
    process.env.PATH = emptyDir;
    try {
      errors.length = 0;
      settings = {};
      extension.activate({ subscriptions: [] });
      await waitFor("an error message", () => errors.length > 0);
      assert.match(String(errors[0][0]), /not found on PATH.*onus\.path/);
      await extension.deactivate();
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
