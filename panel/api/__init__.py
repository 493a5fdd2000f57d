"""API v2, our own: resellers connect their panels to ours with any client that speaks it.

- definitions: the actions, forms, parameters, example answers and error texts (the one source);
- parsing: a request (GET, POST form, POST JSON) into {name: text}, or "Incorrect request";
- throttle: calls per key per minute, and invalid keys per address;
- actions: each action, calling the orders, catalog and billing services;
- views: the front door `/api/v2` and `/api/v2/openapi.json` (openapi);
- page, docs: the customer's API page `/account/api/` (key and documentation);
- logs: keeps keys out of request lines that gunicorn and runserver log.
"""
