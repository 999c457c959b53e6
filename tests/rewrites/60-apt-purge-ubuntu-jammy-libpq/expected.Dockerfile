FROM ubuntu:22.04
COPY pgcheck.c /src/
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev gcc libpq5 \
    && gcc -o /usr/local/bin/pgcheck /src/pgcheck.c -I/usr/include/postgresql -lpq \
    && apt-get purge -y --auto-remove libpq-dev \
    && rm -rf /var/lib/apt/lists/*
CMD ["pgcheck"]
