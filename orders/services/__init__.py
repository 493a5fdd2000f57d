"""An order's life: placing, forwarding, polling, refills and cancels (design.md)."""
