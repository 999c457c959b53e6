FROM alpine:3.20 AS build
RUN apk add --no-cache build-base
WORKDIR /src
COPY hello.c .
RUN gcc -O2 -Wall -o /usr/local/bin/hello hello.c

FROM alpine:3.20
WORKDIR /src
COPY --from=build /usr/local/bin/hello /usr/local/bin/hello
CMD ["hello"]
