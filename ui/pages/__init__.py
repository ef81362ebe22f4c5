"""One module per dashboard page, each a `render(store, lang)`; none imports another."""
