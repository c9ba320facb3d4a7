-- Drives Neovim's own LSP client against `align lsp` (run by test/editors/nvim.test.ts):
-- open a recipe with a misspelt field, wait for the diagnostic, apply the quick fix, hover the
-- fixed field, and write what happened as JSON to $ALIGN_NVIM_OUT.
local out = {}
local function finish(err)
  out.error = err
  local f = io.open(os.getenv("ALIGN_NVIM_OUT"), "w")
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd("qa!")
end

local ok, err = pcall(function()
  vim.opt.runtimepath:append(os.getenv("ALIGN_NVIM_RUNTIME"))
  require("align").setup({ cmd = vim.fn.json_decode(os.getenv("ALIGN_NVIM_CMD")), init_options = { debounceMs = 50 } })
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("ALIGN_NVIM_FILE")))
  local buf = vim.api.nvim_get_current_buf()
  out.filetype = vim.bo[buf].filetype

  local function misspelt()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == "AL3001" then
        return d
      end
    end
  end
  if not vim.wait(20000, function() return misspelt() ~= nil end, 50) then
    return finish("no AL3001 diagnostic within 20 s (filetype " .. vim.bo[buf].filetype .. ", " .. #vim.lsp.get_active_clients() .. " clients, " .. #vim.diagnostic.get(buf) .. " diagnostics)")
  end
  local d = misspelt()
  out.diagnostic = { lnum = d.lnum, col = d.col, message = d.message }

  -- The diagnostic as the server sent it (its data carries the fix-it).
  local lsp_diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, d.lnum)
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
    context = { diagnostics = lsp_diagnostics },
  }
  local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 10000) or {}
  local action
  for _, response in pairs(responses) do
    for _, a in ipairs(response.result or {}) do
      if a.kind == "quickfix" and not action then
        action = a
      end
    end
  end
  if not action then
    return finish("no quick fix offered")
  end
  out.action = action.title
  vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
  out.fixed_line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
  out.cleared = vim.wait(20000, function() return misspelt() == nil end, 50)

  local hover = vim.lsp.buf_request_sync(buf, "textDocument/hover", {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    position = { line = d.lnum, character = d.col + 1 },
  }, 10000) or {}
  for _, response in pairs(hover) do
    if response.result then
      out.hover = response.result.contents.value
    end
  end
  finish(nil)
end)
if not ok then
  finish(tostring(err))
end
