FROM node:20 AS build
RUN npm install -g http-server@14

FROM node:20-slim
COPY --from=build /usr/local/lib/node_modules /usr/local/lib/node_modules
COPY --from=build /usr/local/bin /usr/local/bin
EXPOSE 8080
CMD ["http-server"]
