"""The symnn terminal app (Textual). It only calls symnn's public API: no mathematics here."""
