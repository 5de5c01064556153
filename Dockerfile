# Klageflow application image: the CLI, the web app and the scheduler share it.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 KLAGEFLOW_DATA_DIR=/data
COPY pyproject.toml constraints.txt README.md ./
COPY engine ./engine
COPY web ./web
COPY workflows ./workflows
COPY bpmn ./bpmn
RUN pip install --no-cache-dir -c constraints.txt .
VOLUME ["/data"]
CMD ["klageflow", "run"]
