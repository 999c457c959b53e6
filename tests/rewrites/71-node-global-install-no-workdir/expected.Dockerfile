FROM node:20 AS build
RUN npm install -g http-server@14
RUN find /usr/local/lib/node_modules /usr/local/bin -type f -executable -exec ldd '{}' ';' \
  | awk '/=>/ { so = $(NF-1); if (index(so, "/usr/local/lib/node_modules/") == 1 || index(so, "/usr/local/bin/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
  | sort -u | xargs -r dpkg-query --search \
  | awk 'sub(":$", "", $1) { print $1 }' | sort -u > /tmp/run-deps.txt

FROM node:20-slim
RUN --mount=from=build,source=/tmp/run-deps.txt,target=/tmp/run-deps.txt if [ -s /tmp/run-deps.txt ]; then apt-get update && xargs -a /tmp/run-deps.txt apt-get install -y --no-install-recommends && rm -rf /var/lib/apt/lists/*; fi
COPY --from=build /usr/local/lib/node_modules /usr/local/lib/node_modules
COPY --from=build /usr/local/bin /usr/local/bin
EXPOSE 8080
CMD ["http-server"]
