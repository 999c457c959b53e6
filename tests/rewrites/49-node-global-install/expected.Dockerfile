FROM node:18 AS build
WORKDIR /usr/src/app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
RUN npm install -g pm2
COPY . .
RUN find /usr/local/lib/node_modules /usr/local/bin /usr/src/app -type f -executable -exec ldd '{}' ';' \
  | awk '/=>/ { so = $(NF-1); if (index(so, "/usr/local/lib/node_modules/") == 1 || index(so, "/usr/local/bin/") == 1 || index(so, "/usr/src/app/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
  | sort -u | xargs -r dpkg-query --search \
  | awk 'sub(":$", "", $1) { print $1 }' | sort -u > /tmp/run-deps.txt

FROM node:18-slim
RUN --mount=from=build,source=/tmp/run-deps.txt,target=/tmp/run-deps.txt missing=$(for p in $(cat /tmp/run-deps.txt); do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done) && if [ -n "$missing" ]; then apt-get update && apt-get install -y --no-install-recommends $missing && rm -rf /var/lib/apt/lists/*; fi
WORKDIR /usr/src/app
COPY --from=build /usr/local/lib/node_modules /usr/local/lib/node_modules
COPY --from=build /usr/local/bin /usr/local/bin
COPY --from=build /usr/src/app /usr/src/app
EXPOSE 3000
CMD ["pm2-runtime", "server.js"]
