FROM python:3.12-alpine
WORKDIR /app
COPY requirements.txt .
RUN apk add --no-cache --virtual .build-deps gcc musl-dev libpq-dev \
    && apk add --no-cache tini libpq \
    && pip install --no-cache-dir -r requirements.txt \
    && apk del .build-deps
COPY . .
EXPOSE 5000
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["gunicorn", "-b", "0.0.0.0:5000", "app:app"]
