-- Run by run.sh in headless Neovim: opens a copy of examples/terraform/main.tf with the plugin set up, waits for
-- onus's diagnostics, asks for the quick-fixes of the public-read bucket, applies the preferred one's edit with
-- vim.lsp.util.apply_workspace_edit, and checks the finding is gone while the others stay. Exits 0 on success, 1
-- on failure (with the reason on stdout).

local ONUS = assert(os.getenv("ONUS_BIN"), "ONUS_BIN is not set")
local FILE = assert(os.getenv("ONUS_TEST_FILE"), "ONUS_TEST_FILE is not set")
local RULE = "s3-public-acl"
local TIMEOUT = 20000

local function log(msg)
  io.stdout:write(msg .. "\n")
end

local function fail(msg)
  error(msg, 0)
end

local function check(cond, msg)
  if not cond then
    fail(msg)
  end
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function codes(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == "onus" then
      table.insert(out, code_of(d))
    end
  end
  table.sort(out)
  return out
end

local function find(bufnr, rule)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == rule then
      return d
    end
  end
end

local function run()
  log("nvim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "." .. tostring(vim.version().patch)
    .. (vim.lsp.start and " (vim.lsp.start)" or " (vim.lsp.start_client + vim.lsp.buf_attach_client)"))
  vim.cmd("filetype on")
  local onus = require("onus")
  onus.setup({ cmd = { ONUS, "lsp" } })

  vim.cmd("edit " .. vim.fn.fnameescape(FILE))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == "terraform", "filetype is " .. vim.bo[bufnr].filetype .. ", not terraform")

  local ok = vim.wait(TIMEOUT, function()
    return find(bufnr, RULE) ~= nil
  end, 50)
  check(ok, ("no %s diagnostic within %d ms; onus clients: %d; diagnostics: %s"):format(
    RULE, TIMEOUT, #onus.clients(), vim.inspect(codes(bufnr))))
  local before = codes(bufnr)
  log("diagnostics: " .. table.concat(before, ", "))
  check(#onus.clients() == 1, "expected one onus client, got " .. #onus.clients())
  local client = onus.clients()[1]
  check(client.attached_buffers == nil or client.attached_buffers[bufnr], "the buffer is not attached to onus")

  -- The code lens above the bucket, without the user asking for it (Neovim shows lenses only when refreshed).
  ok = vim.wait(TIMEOUT, function()
    for _, lens in ipairs(vim.lsp.codelens.get(bufnr) or {}) do
      if lens.command and lens.command.title and lens.command.title:find("onus: ", 1, true) then
        return true
      end
    end
    return false
  end, 50)
  check(ok, "no onus code lens in the buffer: " .. vim.inspect(vim.lsp.codelens.get(bufnr)))

  -- The quick-fixes at the finding, as :lua vim.lsp.buf.code_action() asks for them.
  local d = find(bufnr, RULE)
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = {
    diagnostics = {
      { range = params.range, message = d.message, severity = d.severity, source = d.source, code = RULE },
    },
    only = { "quickfix" },
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, TIMEOUT)
  check(responses, "no answer to textDocument/codeAction: " .. tostring(err))
  local actions = {}
  for _, response in pairs(responses) do
    check(not response.err, "textDocument/codeAction failed: " .. vim.inspect(response.err))
    vim.list_extend(actions, response.result or {})
  end
  local titles = {}
  local preferred
  for _, action in ipairs(actions) do
    table.insert(titles, action.title)
    local answers = false
    for _, ad in ipairs(action.diagnostics or {}) do
      answers = answers or ad.code == RULE
    end
    if action.kind == "quickfix" and action.isPreferred and answers and action.edit then
      preferred = preferred or action
    end
  end
  log("code actions: " .. table.concat(titles, " | "))
  check(preferred, "no preferred quick-fix for " .. RULE .. " among " .. vim.inspect(titles))

  local line_before = vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, true)[1]
  vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding)
  local line_after = vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, true)[1]
  log(("applied %q: %q -> %q"):format(preferred.title, line_before, line_after))
  check(line_after ~= line_before, "the edit changed nothing")
  check(not line_after:find("public-read", 1, true), "the line still says public-read")

  -- The change goes to the server, which publishes the new version's diagnostics.
  ok = vim.wait(TIMEOUT, function()
    return find(bufnr, RULE) == nil
  end, 50)
  check(ok, RULE .. " is still reported after the fix: " .. vim.inspect(codes(bufnr)))
  local after = codes(bufnr)
  log("diagnostics after the fix: " .. table.concat(after, ", "))
  -- The file is still analysed: findings about other resources are still there (findings that depended on
  -- the public ACL, such as the missing public access block, may go with it).
  for _, code in ipairs({ "sg-ssh-open-to-world", "rds-storage-unencrypted" }) do
    check(vim.tbl_contains(after, code), code .. " should still be reported: " .. vim.inspect(after))
  end
  check(#after < #before, ("expected fewer findings after the fix, got %d of %d"):format(#after, #before))
end

local ok, err = xpcall(run, debug.traceback)
if ok then
  log("nvim test: passed")
  vim.cmd("qall!")
else
  log("nvim test: FAILED: " .. tostring(err))
  vim.cmd("cquit 1")
end
