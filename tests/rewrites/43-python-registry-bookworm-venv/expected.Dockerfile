FROM registry.example.com/library/python:3.12-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/service
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY service/ ./service/
RUN find /opt/venv -type f -executable -exec ldd '{}' ';' \
  | awk '/=>/ { so = $(NF-1); if (index(so, "/opt/venv/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
  | sort -u | xargs -r dpkg-query --search \
  | awk 'sub(":$", "", $1) { print $1 }' | sort -u > /tmp/run-deps.txt

FROM registry.example.com/library/python:3.12-slim-bookworm
RUN --mount=from=build,source=/tmp/run-deps.txt,target=/tmp/run-deps.txt apt-get update && apt-get install -y --no-install-recommends libpq5 $(cat /tmp/run-deps.txt) && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/service
COPY --from=build /opt/venv /opt/venv
COPY service/ ./service/
ENV PATH=/opt/venv/bin:$PATH

# API port.
EXPOSE 8000

CMD ["uvicorn", "service.main:app", "--host", "0.0.0.0", "--port", "8000"]
