"""One screen per view of the symnn app; each composes widgets over symnn's public API."""
