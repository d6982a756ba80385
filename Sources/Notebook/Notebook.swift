// The session language, the line editor and transcripts; see DESIGN.md.
