FROM alpine:3.20 AS build
RUN apk add --no-cache build-base
WORKDIR /usr/src/kvd
COPY . .
RUN make && make install PREFIX=/usr/local

FROM alpine:3.20
RUN apk add --no-cache libstdc++
WORKDIR /usr/src/kvd
COPY --from=build /usr/local/bin/kvd /usr/local/bin/kvd
COPY --from=build /usr/local/lib /usr/local/lib
EXPOSE 6380
CMD ["kvd", "--port", "6380"]
