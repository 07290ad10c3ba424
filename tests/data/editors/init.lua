-- newsfmt's language server for Markdown files (Neovim 0.7 and later): one server a workspace, whose root is the
-- folder that holds news/.
local newsfmt_clients = {}
vim.api.nvim_create_autocmd("FileType", {
  pattern = "markdown",
  callback = function(args)
    local file = vim.api.nvim_buf_get_name(args.buf)
    local news = vim.fn.finddir("news", vim.fn.fnamemodify(file, ":p:h") .. ";")
    local root = news ~= "" and vim.fn.fnamemodify(news, ":p:h:h") or vim.fn.getcwd()
    if not newsfmt_clients[root] then
      newsfmt_clients[root] = vim.lsp.start_client({ name = "newsfmt", cmd = { "newsfmt", "lsp" }, root_dir = root })
    end
    vim.lsp.buf_attach_client(args.buf, newsfmt_clients[root])
  end,
})
