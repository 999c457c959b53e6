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

FROM ruby:3.3-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 nodejs && rm -rf /var/lib/apt/lists/*
WORKDIR /usr/src/app
COPY --from=build /usr/local/bundle /usr/local/bundle
COPY --from=build /usr/src/app /usr/src/app
ENV RAILS_ENV=production
EXPOSE 3000
CMD ["bundle", "exec", "puma", "-C", "config/puma.rb"]
