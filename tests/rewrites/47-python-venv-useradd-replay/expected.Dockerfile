FROM python:3.12 AS build
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN useradd --create-home appuser && chown -R appuser /app
RUN find /opt/venv -type f -executable -exec ldd '{}' ';' \
  | awk '/=>/ { so = $(NF-1); if (index(so, "/opt/venv/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
  | sort -u | xargs -r dpkg-query --search \
  | awk 'sub(":$", "", $1) { print $1 }' | sort -u > /tmp/run-deps.txt

FROM python:3.12-slim
RUN --mount=from=build,source=/tmp/run-deps.txt,target=/tmp/run-deps.txt missing=$(for p in $(cat /tmp/run-deps.txt); do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done) && if [ -n "$missing" ]; then apt-get update && apt-get install -y --no-install-recommends $missing && rm -rf /var/lib/apt/lists/*; fi
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY . .
ENV PATH="/opt/venv/bin:$PATH"
RUN useradd --create-home appuser && chown -R appuser /app
USER appuser
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
