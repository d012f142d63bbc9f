// The onus extension: starts `onus lsp` for Terraform and for YAML/JSON files (the server decides which of those
// are CloudFormation templates), shows the server's state in the status bar, and restarts it on demand.

import * as fs from "fs";
import * as path from "path";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from "vscode-languageclient/node";

const SECTION = "onus";

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;
let output: vscode.OutputChannel;
/** Serialises start/stop/restart, so two quick restarts never race. */
let queue: Promise<void> = Promise.resolve();

/** What the server is told about rules: applied on top of `.onus.toml`. */
export interface RuleSettings {
  disable: string[];
  severity: Record<string, string>;
}

export function ruleSettings(config: vscode.WorkspaceConfiguration): RuleSettings {
  return {
    disable: config.get<string[]>("rules.disable", []),
    severity: config.get<Record<string, string>>("rules.severity", {}),
  };
}

/** The `initializationOptions` sent to `onus lsp`. */
export function initializationOptions(config: vscode.WorkspaceConfiguration): Record<string, unknown> {
  const options: Record<string, unknown> = { rules: ruleSettings(config) };
  const varFiles = config.get<string[]>("varFiles", []);
  if (varFiles.length > 0) {
    options.varFiles = varFiles;
  }
  const docs = config.get<string>("docsBaseUrl", "").trim();
  if (docs) {
    options.docsBaseUrl = docs;
  }
  return options;
}

/** Finds `name` on PATH (with PATHEXT on Windows), or undefined. */
function which(name: string): string | undefined {
  const exts = process.platform === "win32" ? (process.env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Expands `~` and `${workspaceFolder}` in a configured path. */
function expand(p: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? "";
  let out = p.replace(/\$\{workspaceFolder\}/g, folder);
  if (out === "~" || out.startsWith("~/")) out = path.join(process.env.HOME ?? "", out.slice(1));
  if (!path.isAbsolute(out) && folder && out.includes(path.sep)) out = path.join(folder, out);
  return out;
}

/** The binary to run, or an explanation of why there is none. */
function resolveBinary(config: vscode.WorkspaceConfiguration): { path: string } | { error: string } {
  const configured = config.get<string>("path", "").trim();
  if (configured) {
    const p = expand(configured);
    if (isExecutable(p)) return { path: p };
    const onPath = !p.includes(path.sep) ? which(p) : undefined;
    if (onPath) return { path: onPath };
    return { error: `onus: the binary set in "onus.path" (${configured}) does not exist or is not executable.` };
  }
  const found = which("onus");
  if (found) return { path: found };
  return {
    error:
      'onus: the "onus" binary was not found on PATH. Build it (cargo build --release in the onus repository) ' +
      'and put target/release/onus on your PATH, or set "onus.path".',
  };
}

function setStatus(state: "starting" | "running" | "stopped" | "missing", detail?: string): void {
  const icons = { starting: "$(sync~spin)", running: "$(shield)", stopped: "$(circle-slash)", missing: "$(error)" };
  status.text = `${icons[state]} onus`;
  status.backgroundColor =
    state === "missing" ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  const what = {
    starting: "onus: starting the language server",
    running: "onus: the language server is running",
    stopped: "onus: the language server is stopped",
    missing: "onus: the language server binary was not found",
  }[state];
  status.tooltip = `${what}${detail ? `\n${detail}` : ""}\nClick to restart.`;
  status.show();
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const binary = resolveBinary(config);
  if ("error" in binary) {
    setStatus("missing", binary.error);
    output.appendLine(binary.error);
    // Not awaited: the message stays up until dismissed, and a restart must not wait for that.
    void vscode.window.showErrorMessage(binary.error, "Open Settings", "Show Output").then((choice) => {
      if (choice === "Open Settings") {
        void vscode.commands.executeCommand("workbench.action.openSettings", "onus.path");
      } else if (choice === "Show Output") {
        output.show();
      }
    });
    return;
  }

  // stdio, without naming the transport: with `transport: TransportKind.stdio` the client appends `--stdio` to the
  // arguments, which `onus lsp` rejects.
  const serverOptions: ServerOptions = { command: binary.path, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    // Terraform by file name too, so it works without a Terraform extension; YAML and JSON files are all sent,
    // and the server analyses only those that are CloudFormation templates.
    documentSelector: [
      { scheme: "file", language: "terraform" },
      { scheme: "file", language: "terraform-vars" },
      { scheme: "file", pattern: "**/*.{tf,tfvars}" },
      { scheme: "file", language: "yaml" },
      { scheme: "file", language: "json" },
      { scheme: "file", language: "jsonc" },
      { scheme: "untitled", language: "terraform" },
    ],
    initializationOptions: initializationOptions(config),
    outputChannel: output,
    traceOutputChannel: output,
  };

  const c = new LanguageClient(SECTION, "onus", serverOptions, clientOptions);
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) setStatus("running", binary.path);
    else if (e.newState === State.Starting) setStatus("starting", binary.path);
    else setStatus("stopped", binary.path);
  });
  client = c;
  setStatus("starting", binary.path);
  try {
    await c.start();
  } catch (e) {
    setStatus("stopped", String(e));
    output.appendLine(`onus: the language server failed to start: ${e}`);
    void vscode.window
      .showErrorMessage(`onus: the language server failed to start (${binary.path}): ${e}`, "Show Output")
      .then((choice) => choice && output.show());
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(5000);
    } catch (e) {
      output.appendLine(`onus: stopping the language server: ${e}`);
    }
    await c.dispose().catch(() => undefined);
  }
  setStatus("stopped");
}

function enqueue(task: () => Promise<void>): Promise<void> {
  queue = queue.then(task, task);
  return queue;
}

export function activate(context: vscode.ExtensionContext): void {
  output = vscode.window.createOutputChannel("onus");
  status = vscode.window.createStatusBarItem("onus.status", vscode.StatusBarAlignment.Right, 100);
  status.name = "onus";
  status.command = "onus.restartServer";
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("onus.restartServer", () =>
      enqueue(async () => {
        await stop();
        await start();
      }),
    ),
    vscode.commands.registerCommand("onus.showOutput", () => output.show()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (e.affectsConfiguration("onus.path") || e.affectsConfiguration("onus.docsBaseUrl")) {
        void enqueue(async () => {
          await stop();
          await start();
        });
      } else if (e.affectsConfiguration("onus.rules") && client?.isRunning()) {
        // The server applies them on top of `.onus.toml` as soon as they arrive.
        const rules = ruleSettings(vscode.workspace.getConfiguration(SECTION));
        void client.sendNotification("workspace/didChangeConfiguration", { settings: { onus: { rules } } });
      } else if (e.affectsConfiguration("onus.varFiles") && client?.isRunning()) {
        // The server rereads them and reanalyses the root modules.
        const varFiles = vscode.workspace.getConfiguration(SECTION).get<string[]>("varFiles", []);
        void client.sendNotification("workspace/didChangeConfiguration", { settings: { onus: { varFiles } } });
      }
    }),
  );
  void enqueue(start);
}

export function deactivate(): Promise<void> {
  return enqueue(stop);
}
