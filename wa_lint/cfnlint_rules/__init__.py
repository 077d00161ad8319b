"""wa-lint rules as a cfn-lint rules directory (``cfn-lint --append-rules``)."""
