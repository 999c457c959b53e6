FROM php:7.1-apache
RUN apt-get update && apt-get install -y --no-install-recommends libfreetype6-dev libjpeg62-turbo-dev \
    && docker-php-ext-configure gd --with-freetype-dir=/usr --with-jpeg-dir=/usr \
    && docker-php-ext-install gd \
    && find /usr/local -type f -executable -exec ldd '{}' ';' \
      | awk '/=>/ { so = $(NF-1); if (index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \
      | sort -u | xargs -r dpkg-query --search \
      | awk 'sub(":$", "", $1) { print $1 }' | sort -u | xargs -r apt-mark manual \
    && apt-get purge -y --auto-remove libfreetype6-dev libjpeg62-turbo-dev \
    && rm -rf /var/lib/apt/lists/*
COPY src/ /var/www/html/
