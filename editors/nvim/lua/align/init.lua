-- Neovim support for align recipes: the `align` filetype for *.align files and the language
-- server (`align lsp`) attached to every align buffer. Works on Neovim 0.7 (start_client +
-- buf_attach_client) and on 0.8+ (vim.lsp.start). See docs/editors.md.
local M = {}

local defaults = {
  -- The command that runs the server; `align` must be on PATH, or give the full path.
  cmd = { "align", "lsp", "--stdio" },
  -- Files or directories that mark a project root (the server resolves paths from there).
  root_markers = { ".git", "package.json" },
  -- Passed to the server as initializationOptions, e.g. { debounceMs = 150 }.
  init_options = {},
}

local options = vim.deepcopy(defaults)
local clients = {} -- root directory -> client id (Neovim 0.7)

local function find_root(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  local found = vim.fs and vim.fs.find and vim.fs.find(options.root_markers, { path = dir, upward = true })[1]
  if found then
    return vim.fn.fnamemodify(found, ":h")
  end
  for _, marker in ipairs(options.root_markers) do
    local match = vim.fn.finddir(marker, dir .. ";")
    if match == "" then
      match = vim.fn.findfile(marker, dir .. ";")
    end
    if match ~= "" then
      return vim.fn.fnamemodify(match, ":p:h:h")
    end
  end
  return dir
end

--- Attaches the align language server to a buffer (started once per project root).
function M.attach(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local root = find_root(vim.api.nvim_buf_get_name(bufnr))
  local config = { name = "align", cmd = options.cmd, root_dir = root, init_options = options.init_options }
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients[root]
  if not id or vim.lsp.client_is_stopped(id) then
    id = vim.lsp.start_client(config)
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

function M.setup(user)
  options = vim.tbl_deep_extend("force", vim.deepcopy(defaults), user or {})
  local group = vim.api.nvim_create_augroup("align_lsp", { clear = true })
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ extension = { align = "align" } })
  end
  -- Also without filetype detection (Neovim 0.7's Lua detection is opt-in, `-u NONE` has none).
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    group = group,
    pattern = "*.align",
    callback = function(args)
      if vim.bo[args.buf].filetype ~= "align" then
        vim.bo[args.buf].filetype = "align"
      end
    end,
  })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "align",
    callback = function(args)
      M.attach(args.buf)
    end,
  })
end

return M
