from golang:1.22-alpine as build
workdir /src
copy . .
run CGO_ENABLED=0 go build -o /src/bin/hello .

from scratch
workdir /src
copy --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
copy --from=build /src/bin/hello /src/bin/hello
expose 8080
cmd ["/src/bin/hello"]
