FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /usr/local/bin/api ./cmd/api
COPY docker-entrypoint.sh /usr/local/bin/

FROM alpine:3.20
WORKDIR /src
COPY --from=build /usr/local/bin/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY --from=build /usr/local/bin/api /usr/local/bin/api
EXPOSE 8080
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["api"]
