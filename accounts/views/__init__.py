"""Customer web pages, one module per page: parse, authorise, call one service, render."""
