FROM ruby:3.3 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev nodejs \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/app
COPY Gemfile Gemfile.lock ./
RUN bundle config set --local without 'development test' \
    && bundle install --jobs 4
COPY . .
ENV RAILS_ENV=production
RUN bundle exec rake assets:precompile
RUN find /usr/local/bundle /usr/src/app -type f -executable -exec ldd '{}' ';' \
  | awk '/=>/ { so = $(NF-1); if (index(so, "/usr/local/bundle/") == 1 || index(so, "/usr/src/app/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
  | sort -u | xargs -r dpkg-query --search \
  | awk 'sub(":$", "", $1) { print $1 }' | sort -u > /tmp/run-deps.txt

FROM ruby:3.3-slim
RUN --mount=from=build,source=/tmp/run-deps.txt,target=/tmp/run-deps.txt apt-get update && apt-get install -y --no-install-recommends libpq5 nodejs $(cat /tmp/run-deps.txt) && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/app
COPY --from=build /usr/local/bundle /usr/local/bundle
COPY --from=build /usr/src/app /usr/src/app
ENV RAILS_ENV=production
EXPOSE 3000
CMD ["bundle", "exec", "puma", "-C", "config/puma.rb"]
