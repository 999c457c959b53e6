FROM golang:1.22 AS build
ENV GOFLAGS=-trimpath
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go install ./cmd/server
ENV GOMEMLIMIT=256MiB

FROM scratch
WORKDIR /src
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /go/bin/server /usr/local/bin/server
ENV GOMEMLIMIT=256MiB
EXPOSE 8080
CMD ["server"]
