# The app image: API, realtime and the built client on one port.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production BUILD_CLIENT=never PORT=3000 DATA_DIR=/data
COPY --from=build /app /app
EXPOSE 3000
CMD ["npx", "tsx", "server/scripts/start.ts"]
