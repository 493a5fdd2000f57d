"""The staff audit trail (issue #23): every staff action that changes money, an order, a price or a
permission, with who, when, what, before and after; read in the admin, never edited there.

Why not django-auditlog: it logs through post_save/pre_save signals on registered models, so every
save of an Order, a Service or a Balance by a worker (placing, forwarding, polling, sync, payment
webhooks) would be logged too, and its pre_save reads the old row again: queries on the hot paths
that tests/ count, and a trail of machines instead of staff. Its only way round is disabling it
around each worker path. Here the admin layer, where a staff member acts, records what it did
(audit.admin.AuditedAdmin, through audit.services.audit_record); workers record nothing.
"""
