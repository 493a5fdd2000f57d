"""An order's life: placing, forwarding, polling, refills and cancels (docs/design.md)."""
