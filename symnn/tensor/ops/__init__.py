"""The differentiable operations, grouped by kind; each op's forward sits beside its VJP."""
