FROM ubuntu:latest AS build

ENV DEBIAN_FRONTEND=noninteractive

WORKDIR /app

RUN apt-get update \
   && apt-get install -y golang ca-certificates tzdata

COPY greeter/main.go .

RUN go mod init example.com/greeter && CGO_ENABLED=0 go build -o greeter

ENV TZ=Europe/Berlin

FROM scratch
WORKDIR /app
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=build /app/greeter .
ENV TZ=Europe/Berlin

EXPOSE 80

CMD ["./greeter"]
