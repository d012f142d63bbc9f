-- onus for Neovim: starts `onus lsp` for Terraform, YAML and JSON buffers (the server analyses the YAML and JSON
-- files that are CloudFormation templates and leaves the others alone).
--
--   require("onus").setup({})
--
-- Neovim 0.8+ starts (or reuses) the client with vim.lsp.start; 0.7 with vim.lsp.start_client and
-- vim.lsp.buf_attach_client, one client per root folder.

local M = {}

M.defaults = {
  -- The command that runs the server.
  cmd = { "onus", "lsp" },
  -- The buffers onus attaches to.
  filetypes = { "terraform", "terraform-vars", "yaml", "json" },
  -- The root folder is the nearest ancestor that holds one of these; else the file's own folder.
  root_markers = { ".onus.toml", ".terraform", ".git" },
  -- Your rule settings, sent as initializationOptions.rules and applied on top of `.onus.toml` at the workspace
  -- root: a rule disabled in either is off; your severity wins over the file's.
  rules = { disable = {}, severity = {} },
  -- Extra initializationOptions, e.g. { docsBaseUrl = "https://example.org/onus/docs/rules/" }.
  init_options = {},
  -- Passed through to the client.
  capabilities = nil,
  on_attach = nil,
  -- false: only attach with require("onus").attach(bufnr).
  autostart = true,
  -- Show the code lens above each resource (how many of its duties are open), refreshed as you edit: Neovim
  -- asks for lenses only when told to.
  codelens = true,
}

M.config = vim.deepcopy(M.defaults)

-- Root folder -> client id, for Neovim 0.7 (vim.lsp.start does this itself on 0.8+).
local clients = {}
local warned = false

local function notify(msg, level)
  vim.schedule(function()
    vim.notify(msg, level or vim.log.levels.INFO, { title = "onus" })
  end)
end

local function exists(path)
  return (vim.loop or vim.uv).fs_stat(path) ~= nil
end

--- The root folder of `fname`: the nearest ancestor with one of the root markers, else its folder.
function M.root_dir(fname)
  local dir = vim.fn.fnamemodify(fname, ":p:h")
  local start = dir
  while true do
    for _, marker in ipairs(M.config.root_markers) do
      if exists(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return start
    end
    dir = parent
  end
end

--- Asks for `bufnr`'s code lenses (the current buffer's: what vim.lsp.codelens.refresh() refreshes).
local function refresh_lenses(bufnr)
  if vim.api.nvim_get_current_buf() == bufnr and vim.lsp.codelens then
    pcall(vim.lsp.codelens.refresh)
  end
end

local function on_attach(client, bufnr)
  if M.config.codelens and client.server_capabilities and client.server_capabilities.codeLensProvider then
    local group = vim.api.nvim_create_augroup("onus-lens-" .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "TextChanged", "CursorHold" }, {
      group = group,
      buffer = bufnr,
      callback = function()
        refresh_lenses(bufnr)
      end,
      desc = "Refresh onus's code lenses",
    })
    refresh_lenses(bufnr)
  end
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

local function client_config(root)
  local init_options = vim.tbl_extend("force", {}, M.config.init_options or {})
  init_options.rules = M.config.rules
  local config = {
    name = "onus",
    cmd = M.config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = init_options,
    on_attach = on_attach,
  }
  if M.config.capabilities then
    config.capabilities = M.config.capabilities
  end
  return config
end

--- Starts onus for `bufnr` (default: the current buffer), or attaches it to the running client of its root.
--- Returns the client id, or nil when the buffer is not a file or the binary is missing.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == "" or vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  local exe = M.config.cmd[1]
  if vim.fn.executable(exe) ~= 1 then
    if not warned then
      warned = true
      notify(
        ("onus: the binary %q was not found or is not executable. Build it (cargo build --release in the onus "
          .. "repository) and put target/release/onus on your PATH, or set cmd in require(\"onus\").setup({ cmd = "
          .. "{ \"/path/to/onus\", \"lsp\" } })."):format(exe),
        vim.log.levels.ERROR
      )
    end
    return nil
  end
  local root = M.root_dir(fname)
  local config = client_config(root)

  if vim.lsp.start then -- Neovim 0.8+
    return vim.lsp.start(config, { bufnr = bufnr })
  end

  -- Neovim 0.7
  local id = clients[root]
  if not id or vim.lsp.client_is_stopped(id) then
    id = vim.lsp.start_client(config)
    if not id then
      notify("onus: could not start " .. table.concat(M.config.cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- The running onus clients.
function M.clients()
  if vim.lsp.get_clients then -- Neovim 0.10+
    return vim.lsp.get_clients({ name = "onus" })
  end
  local out = {}
  for _, client in pairs(vim.lsp.get_active_clients()) do
    if client.name == "onus" then
      table.insert(out, client)
    end
  end
  return out
end

--- Stops every onus client and starts them again for the buffers they served (e.g. after rebuilding onus).
function M.restart()
  local buffers = {}
  for _, client in ipairs(M.clients()) do
    for bufnr in pairs(client.attached_buffers or {}) do
      table.insert(buffers, bufnr)
    end
    vim.lsp.stop_client(client.id)
  end
  clients = {}
  local tries = 0
  local function again()
    tries = tries + 1
    if #M.clients() > 0 and tries < 50 then
      return vim.defer_fn(again, 100)
    end
    for _, bufnr in ipairs(buffers) do
      if vim.api.nvim_buf_is_valid(bufnr) then
        M.attach(bufnr)
      end
    end
  end
  again()
end

function M.setup(opts)
  opts = opts or {}
  -- Top-level options replace the defaults whole: a `filetypes` list replaces the default list.
  M.config = vim.tbl_extend("force", vim.deepcopy(M.defaults), opts)
  M.config.rules = vim.tbl_extend("force", { disable = {}, severity = {} }, opts.rules or {})
  warned = false

  vim.api.nvim_create_user_command("OnusRestart", M.restart, { desc = "Restart the onus language server" })
  local group = vim.api.nvim_create_augroup("onus", { clear = true })
  if not M.config.autostart then
    return
  end
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = "Start the onus language server",
  })
  -- Buffers already open when setup runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
