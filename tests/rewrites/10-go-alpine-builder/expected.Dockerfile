FROM golang:1.22-alpine AS build
RUN apk add --no-cache git
WORKDIR /build
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -ldflags="-s -w" -o /build/bin/proxy ./cmd/proxy

FROM scratch
WORKDIR /build
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /build/bin/proxy /build/bin/proxy
EXPOSE 3128
ENTRYPOINT ["/build/bin/proxy"]
