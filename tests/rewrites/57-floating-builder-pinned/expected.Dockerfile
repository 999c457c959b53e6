FROM node:26 AS build
WORKDIR /usr/src/app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
RUN npm install -g pm2
COPY . .

FROM node:26-slim
WORKDIR /usr/src/app
COPY --from=build /usr/local/lib/node_modules /usr/local/lib/node_modules
COPY --from=build /usr/local/bin /usr/local/bin
COPY --from=build /usr/src/app /usr/src/app
EXPOSE 3000
CMD ["pm2-runtime", "server.js"]
