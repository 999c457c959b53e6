FROM rust:1.79-bullseye AS build
RUN apt-get update && apt-get install -y libssl-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/mailer
COPY . .
RUN cargo build --release

FROM debian:bullseye-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl1.1 && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/mailer
COPY --from=build /usr/src/mailer/target/release/mailer /usr/src/mailer/target/release/mailer
CMD ["./target/release/mailer"]
