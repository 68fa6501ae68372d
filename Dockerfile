FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=cmr.settings_production
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir . && \
    SECRET_KEY=build DATABASE_URL=sqlite:////tmp/build.db REDIS_URL=redis://build ALLOWED_HOSTS=build \
    python manage.py collectstatic --no-input
RUN useradd --create-home cmr && mkdir -p /data && chown cmr /data
USER cmr
EXPOSE 8000
CMD ["gunicorn", "cmr.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "120"]
