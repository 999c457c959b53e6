FROM rust:1.79-slim-bookworm AS build
WORKDIR /app
COPY . .
RUN cargo build --release --locked \
    && cp target/release/svc /usr/local/bin/svc
RUN useradd --system --user-group --no-create-home svc

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /etc/passwd /etc/group /etc/
COPY --from=build /usr/local/bin/svc /usr/local/bin/svc
USER svc
EXPOSE 7878
CMD ["svc"]
