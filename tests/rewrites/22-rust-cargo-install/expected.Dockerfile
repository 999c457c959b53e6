ARG APP_VERSION=0.1.0
FROM rust:1.79 AS build
ARG APP_VERSION
WORKDIR /usr/src/ticker
COPY . .
RUN cargo install --path . --locked

FROM debian:bookworm-slim
ARG APP_VERSION
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/ticker
COPY --from=build /usr/local/cargo/bin/ticker /usr/local/bin/ticker
LABEL org.opencontainers.image.version=$APP_VERSION
CMD ["ticker"]
