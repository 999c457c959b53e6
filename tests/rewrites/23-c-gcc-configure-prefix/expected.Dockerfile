FROM gcc:13 AS build
WORKDIR /usr/src/wordcount
COPY . .
RUN ./configure --prefix=/opt/wordcount \
    && make -j"$(nproc)" \
    && make install

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/wordcount
COPY --from=build /opt/wordcount /opt/wordcount
EXPOSE 7000
ENTRYPOINT ["/opt/wordcount/bin/wc-server"]
CMD ["--port", "7000"]
