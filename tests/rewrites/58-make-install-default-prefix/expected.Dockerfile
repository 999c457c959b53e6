FROM debian:bookworm-slim AS build

RUN apt-get update && apt-get install -y --no-install-recommends \
	ca-certificates \
	gcc \
	git \
	libncurses-dev \
	make \
	&& rm -rf /var/lib/apt/lists/*

RUN git clone --depth 1 https://github.com/visit1985/mdp.git /src

WORKDIR /src

ENV TERM xterm-256color

RUN make \
	&& make install

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libncurses6 libncursesw6 libtinfo6 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY --from=build /usr/local/bin/mdp /usr/local/bin/mdp
COPY --from=build /usr/local/lib /usr/local/lib
ENV TERM xterm-256color

ENTRYPOINT [ "/usr/local/bin/mdp" ]
