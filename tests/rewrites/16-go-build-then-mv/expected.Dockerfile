FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o relay ./cmd/relay
RUN mv relay /usr/local/bin/relay

FROM scratch
WORKDIR /src
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /usr/local/bin/relay /usr/local/bin/relay
STOPSIGNAL SIGINT
ENTRYPOINT ["relay"]
