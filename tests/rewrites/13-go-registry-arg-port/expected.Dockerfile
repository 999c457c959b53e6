FROM registry.example.com/library/golang:1.22 AS build
ARG PORT=8080
WORKDIR /go/src/app
COPY . .
RUN CGO_ENABLED=0 go build -o /go/bin/app .
ENV LISTEN_ADDR=:${PORT}

FROM scratch
ARG PORT=8080
WORKDIR /go/src/app
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /go/bin/app /go/bin/app
ENV LISTEN_ADDR=:${PORT}
EXPOSE ${PORT}
CMD ["/go/bin/app"]
