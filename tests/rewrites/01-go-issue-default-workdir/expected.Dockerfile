FROM golang:1.22 AS build
COPY main.go .
RUN CGO_ENABLED=0 go build -o app main.go

FROM scratch
WORKDIR /go
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /go/app .
EXPOSE 8080
CMD ["./app"]
