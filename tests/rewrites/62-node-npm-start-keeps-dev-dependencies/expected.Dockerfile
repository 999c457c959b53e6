FROM node:20 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN find /usr/src/app -type f -executable -exec ldd '{}' ';' \
  | awk '/=>/ { so = $(NF-1); if (index(so, "/usr/src/app/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
  | sort -u | xargs -r dpkg-query --search \
  | awk 'sub(":$", "", $1) { print $1 }' | sort -u > /tmp/run-deps.txt

FROM node:20-slim
RUN --mount=from=build,source=/tmp/run-deps.txt,target=/tmp/run-deps.txt missing=$(for p in $(cat /tmp/run-deps.txt); do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done) && if [ -n "$missing" ]; then apt-get update && apt-get install -y --no-install-recommends $missing && rm -rf /var/lib/apt/lists/*; fi
WORKDIR /usr/src/app
COPY --from=build /usr/src/app /usr/src/app
EXPOSE 3000
USER node
CMD ["npm", "start"]
