# Klageflow application image: the CLI, the web app (gunicorn) and the scheduler share it.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN SCARF_ANALYTICS=false npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
    && npm run --silent bundle

FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 KLAGEFLOW_DATA_DIR=/data
# WeasyPrint draws letters with Pango and HarfBuzz; DejaVu is the letters' font.
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml constraints.txt README.md ./
COPY engine ./engine
COPY web ./web
COPY workflows ./workflows
COPY migrations ./migrations
COPY bpmn ./bpmn
RUN pip install --no-cache-dir -c constraints.txt -e .
COPY --from=frontend /app/node_modules ./node_modules
VOLUME ["/data"]
EXPOSE 8000
CMD ["klageflow", "run"]
