FROM golang:1.22 AS build
WORKDIR /src
WORKDIR greeter
COPY main.go greet.go ./
RUN go mod init example.com/greeter && CGO_ENABLED=0 go build

FROM scratch
WORKDIR /src/greeter
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /src/greeter/greeter .
EXPOSE 8080
CMD ["./greeter"]
