# The app image: granian serving Django (barcamp/serve.py), static files compressed and fingerprinted
# by whitenoise.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# Name badges draw Chinese, Japanese, Korean, Arabic, emoji … with Debian's Noto fonts.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --home /app --shell /usr/sbin/nologin barcamp

COPY requirements/run.lock requirements/run.lock
RUN pip install --require-hashes -r requirements/run.lock

COPY . .
# collectstatic needs settings, not secrets: a throwaway key for the build only.
RUN DEBUG=false SECRET_KEY=build-only-not-a-secret ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && python -m compileall -q barcamp events sessions voting \
 && mkdir -p /app/media && chown barcamp /app/media

USER barcamp
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
CMD ["python", "-m", "barcamp.serve"]
