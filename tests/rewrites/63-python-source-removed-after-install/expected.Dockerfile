FROM python:3.12 AS build
WORKDIR /src
COPY . .
RUN pip install --no-cache-dir . \
    && rm -rf /src

FROM python:3.12-slim
WORKDIR /src
COPY --from=build /usr/local/lib/python3.12/site-packages /usr/local/lib/python3.12/site-packages
COPY --from=build /usr/local/bin /usr/local/bin
CMD ["myapp"]
