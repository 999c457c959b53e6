FROM golang:1.22 AS build
ENV CGO_ENABLED=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN go build -tags libsqlite3 -o /usr/local/bin/notes ./cmd/notes

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libsqlite3-0 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY --from=build /usr/local/bin/notes /usr/local/bin/notes
VOLUME /data
EXPOSE 8080
CMD ["notes", "-db", "/data/notes.db"]
