# The panel's image: one for web, worker and beat; the command chooses the role.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 panel
WORKDIR /app

COPY pyproject.toml README.md LICENSE ./
COPY panel panel
COPY catalog catalog
COPY orders orders
COPY billing billing
COPY provider provider
COPY webhooks webhooks
COPY payments payments
COPY notifications notifications
COPY support support
COPY audit audit
COPY fraud fraud
RUN pip install .

COPY manage.py ./
COPY templates templates
COPY static static
# collectstatic needs settings but no database or secrets of its own.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret-000000000000000000000000 \
    ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput --verbosity 0

ENV STATIC_ROOT=/app/staticfiles PANEL_DATA_DIR=/tmp/panel
USER panel
EXPOSE 8000
CMD ["gunicorn", "panel.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "4", "--access-logfile", "-"]
