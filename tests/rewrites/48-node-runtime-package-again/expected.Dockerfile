FROM node:20 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package*.json ./
RUN npm ci --omit=dev
COPY . .
RUN find /app -type f -executable -exec ldd '{}' ';' \
  | awk '/=>/ { so = $(NF-1); if (index(so, "/app/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
  | sort -u | xargs -r dpkg-query --search \
  | awk 'sub(":$", "", $1) { print $1 }' | sort -u > /tmp/run-deps.txt

FROM node:20-slim
RUN --mount=from=build,source=/tmp/run-deps.txt,target=/tmp/run-deps.txt apt-get update && apt-get install -y --no-install-recommends ffmpeg $(cat /tmp/run-deps.txt) && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app /app
CMD ["node", "server.js"]
