;; An Emacs session with the configuration docs/editors.md gives (eglot, markdown-mode), run by tests/test_editors.py:
;; open the entry given as the first argument, print the diagnostics newsfmt lsp sends, format the buffer, print it.
(package-initialize)
(require 'markdown-mode)
(require 'eglot)
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(markdown-mode . ("newsfmt" "lsp"))))
(add-hook 'markdown-mode-hook #'eglot-ensure)
(find-file (car command-line-args-left))
(run-hooks 'post-command-hook)  ; eglot-ensure connects after a command; batch mode runs none
(let ((deadline (+ (float-time) 30)))
  (while (and (< (float-time) deadline) (not (flymake-diagnostics)))
    (accept-process-output nil 0.1)))
(dolist (diagnostic (flymake-diagnostics))
  (princ (format "%d: %s\n" (line-number-at-pos (flymake-diagnostic-beg diagnostic)) (flymake-diagnostic-text diagnostic))))
(eglot-format-buffer)
(princ (buffer-substring-no-properties (point-min) (point-max)))
(setq command-line-args-left nil)
