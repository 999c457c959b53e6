# syntax=docker/dockerfile:1

# Inventory service: build and run.
FROM golang:1.22 AS build

WORKDIR /src

# Dependencies first, for layer caching.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
# hadolint ignore=DL3059
RUN CGO_ENABLED=0 go build -o /src/inventory ./cmd/inventory

FROM scratch
WORKDIR /src
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /src/inventory .
# Image metadata.
LABEL org.opencontainers.image.source="https://github.com/example/inventory" \
      org.opencontainers.image.licenses="Apache-2.0"

# The service listens here.
# hadolint ignore=DL3059
EXPOSE 8080

# Numeric id: nothing to resolve.
USER 65532:65532
# hadolint ignore=DL3059
CMD ["/src/inventory"]
