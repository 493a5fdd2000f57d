"""The REST API for resellers (`/api/rest/`): services, orders, refills, balance, transactions.

The same API keys as API v2 (`Authorization: Bearer <key>` or `X-API-Key: <key>`), the same
limits, and the same service functions as API v2 and the pages: these views only read input,
call one service or query, and shape the answer. Its OpenAPI description is
`/api/rest/schema/`, browsable at `/api/rest/docs/`.

- auth: the key, the per-key and per-address limits, and the key's place in the OpenAPI schema;
- errors: one JSON shape for every error, with a stable code per refusal;
- parsers, pagination: JSON bodies within bounds, cursor pages newest first;
- serializers, views, urls: the resources.
"""
