FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /bin/server ./cmd/server
ENV PORT=8080

FROM alpine:3.20
WORKDIR /src
COPY --from=build /bin/server /bin/server
ENV PORT=8080
EXPOSE 8080
CMD /bin/server --listen ":$PORT"
