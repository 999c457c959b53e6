FROM python:3.14 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libffi-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY gunicorn.conf.py .
RUN pip install --no-cache-dir gunicorn
COPY . .
RUN find /usr/local/lib/python3.14/site-packages /usr/local/bin -type f -executable -exec ldd '{}' ';' \
  | awk '/=>/ { so = $(NF-1); if (index(so, "/usr/local/lib/python3.14/site-packages/") == 1 || index(so, "/usr/local/bin/") == 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
  | sort -u | xargs -r dpkg-query --search \
  | awk 'sub(":$", "", $1) { print $1 }' | sort -u > /tmp/run-deps.txt

FROM python:3.14-slim
RUN --mount=from=build,source=/tmp/run-deps.txt,target=/tmp/run-deps.txt apt-get update && apt-get install -y --no-install-recommends libffi8 $(cat /tmp/run-deps.txt) && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY --from=build /usr/local/lib/python3.14/site-packages /usr/local/lib/python3.14/site-packages
COPY --from=build /usr/local/bin /usr/local/bin
COPY gunicorn.conf.py .
COPY . .
CMD ["python", "-m", "srv"]
