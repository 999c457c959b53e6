FROM ruby:3.3 AS build
RUN gem install rubocop --version 1.66.1 --no-document
WORKDIR /tmp

FROM ruby:3.3-slim
WORKDIR /tmp
COPY --from=build /usr/local/bundle /usr/local/bundle
ENTRYPOINT ["rubocop"]
CMD ["--help"]
