# The app image: API, realtime and the built client on one port, running compiled JavaScript with production
# dependencies only (no TypeScript compiler, no tsx, no test tools at run time).

# Production dependencies, with the tools better-sqlite3 needs when no prebuilt binary fits.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# Everything, to build the client (vite) and the server (dist/server).
FROM deps AS build
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build && npm run build:server

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production BUILD_CLIENT=never PORT=3000 DATA_DIR=/data
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
CMD ["node", "--enable-source-maps", "dist/server/start.js"]
