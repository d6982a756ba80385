// The HTTP server over a Model; see DESIGN.md.
