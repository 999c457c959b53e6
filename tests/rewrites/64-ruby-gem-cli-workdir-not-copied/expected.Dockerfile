FROM ruby:3.3 AS build
RUN gem install rubocop --version 1.66.1 --no-document
WORKDIR /tmp
RUN find /usr/local/bundle -type f -executable -exec ldd '{}' ';' \
  | awk '/=>/ { so = $(NF-1); if (index(so, "/usr/local/bundle/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
  | sort -u | xargs -r dpkg-query --search \
  | awk 'sub(":$", "", $1) { print $1 }' | sort -u > /tmp/run-deps.txt

FROM ruby:3.3-slim
RUN --mount=from=build,source=/tmp/run-deps.txt,target=/tmp/run-deps.txt missing=$(for p in $(cat /tmp/run-deps.txt); do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done) && if [ -n "$missing" ]; then apt-get update && apt-get install -y --no-install-recommends $missing && rm -rf /var/lib/apt/lists/*; fi
WORKDIR /tmp
COPY --from=build /usr/local/bundle /usr/local/bundle
ENTRYPOINT ["rubocop"]
CMD ["--help"]
