FROM golang:1.22-alpine3.20 AS build
RUN apk add --no-cache build-base
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -o /usr/local/bin/imgproc ./cmd/imgproc

FROM alpine:3.20
WORKDIR /src
COPY --from=build /usr/local/bin/imgproc /usr/local/bin/imgproc
EXPOSE 8080
CMD ["imgproc"]
