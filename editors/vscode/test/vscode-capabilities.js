// @ts-check
// VS Code's real client capabilities: the ones `vscode-languageclient` (the library the extension runs on, at the
// version package-lock.json pins) computes and sends in `initialize`. The library needs the `vscode` module, which
// exists only inside VS Code: a stand-in answers its look-ups, and nothing else of the client is used.
"use strict";

const Module = require("node:module");

/**
 * A stand-in for any value of the `vscode` API: callable, constructible, and every property not in `base` is
 * another stand-in.
 */
function standIn(/** @type {Record<string | symbol, unknown>} */ base = {}) {
  /** @type {ProxyHandler<any>} */
  const handler = {
    get(target, prop) {
      if (prop === "then" || prop === "__esModule") return undefined;
      if (prop === Symbol.toPrimitive) return () => "";
      if (!(prop in target)) target[prop] = standIn();
      return target[prop];
    },
    construct: () => standIn(),
    apply: () => standIn(),
  };
  const target = Object.assign(function () {}, base);
  return new Proxy(target, handler);
}

/**
 * @param {string} vscodeVersion the VS Code version the stand-in reports (the client checks it against its engine)
 * @returns {import("vscode-languageserver-protocol").ClientCapabilities}
 */
function vscodeClientCapabilities(vscodeVersion = "1.95.0") {
  const vscode = standIn({ version: vscodeVersion, env: standIn({ language: "en", appName: "Visual Studio Code" }) });
  const resolve = /** @type {any} */ (Module)._resolveFilename;
  /** @type {any} */ (Module)._resolveFilename = function (/** @type {string} */ request, /** @type {any[]} */ ...rest) {
    return request === "vscode" ? "vscode" : resolve.call(this, request, ...rest);
  };
  const cached = require.cache["vscode"];
  require.cache["vscode"] = /** @type {any} */ ({ id: "vscode", filename: "vscode", loaded: true, exports: vscode });
  try {
    const { LanguageClient } = require("vscode-languageclient/node");
    const client = new LanguageClient("onus", "onus", { command: "onus", args: ["lsp"] }, {});
    // The same call the client makes to fill `initialize`'s capabilities, after registering its built-in features.
    const capabilities = /** @type {any} */ (client).computeClientCapabilities();
    // A plain JSON object, as it goes on the wire.
    return JSON.parse(JSON.stringify(capabilities));
  } finally {
    /** @type {any} */ (Module)._resolveFilename = resolve;
    if (cached) require.cache["vscode"] = cached;
    else delete require.cache["vscode"];
  }
}

module.exports = { vscodeClientCapabilities, standIn };
