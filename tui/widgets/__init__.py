"""Reusable widgets of the symnn app. Widgets display; they hold no mathematics."""
