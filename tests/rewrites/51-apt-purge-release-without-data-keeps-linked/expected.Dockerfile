FROM ubuntu:14.04
COPY . /src
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc make libssl-dev \
    && make -C /src \
    && cp /src/server /usr/local/bin/ \
    && find /src /usr/local -type f -executable -exec ldd '{}' ';' \
      | awk '/=>/ { so = $(NF-1); if (index(so, "/src/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
      | sort -u | xargs -r dpkg-query --search \
      | awk 'sub(":$", "", $1) { print $1 }' | sort -u | xargs -r apt-mark manual \
    && apt-get purge -y --auto-remove libssl-dev \
    && rm -rf /var/lib/apt/lists/*
CMD ["server"]
