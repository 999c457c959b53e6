FROM ubuntu:16.04
COPY . /src
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc make libssl-dev libssl1.0.0 \
    && make -C /src \
    && cp /src/server /usr/local/bin/ \
    && apt-get purge -y --auto-remove libssl-dev \
    && rm -rf /var/lib/apt/lists/*
CMD ["server"]
