FROM python:3.12 AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir . \
    && rm -rf /src
RUN find /usr/local/lib/python3.12/site-packages /usr/local/bin -type f -executable -exec ldd '{}' ';' \
  | awk '/=>/ { so = $(NF-1); if (index(so, "/usr/local/lib/python3.12/site-packages/") == 1 || index(so, "/usr/local/bin/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
  | sort -u | xargs -r dpkg-query --search \
  | awk 'sub(":$", "", $1) { print $1 }' | sort -u > /tmp/run-deps.txt

FROM python:3.12-slim
RUN --mount=from=build,source=/tmp/run-deps.txt,target=/tmp/run-deps.txt missing=$(for p in $(cat /tmp/run-deps.txt); do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done) && if [ -n "$missing" ]; then apt-get update && apt-get install -y --no-install-recommends $missing && rm -rf /var/lib/apt/lists/*; fi
WORKDIR /src
COPY --from=build /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages
COPY --from=build /usr/local/bin /usr/local/bin
CMD ["myapp"]
