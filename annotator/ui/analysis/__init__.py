"""The Analysis window: code frequencies by group and code co-occurrence, as a table and a
chart, with the passages behind any cell one double-click away."""
