FROM rust:1.79 AS build
WORKDIR /usr/src/hello
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/hello
COPY --from=build /usr/src/hello/target/release/hello /usr/src/hello/target/release/hello
EXPOSE 3000
CMD ["./target/release/hello"]
