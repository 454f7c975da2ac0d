# seatd on SQLite. Build: docker build -t seatd . ; run: docker compose up (see compose.yaml).
# Stage 1 installs the production dependencies, building better-sqlite3 from source only if no
# prebuilt binary fits; the tool chain for that stays in this stage.
FROM node:20.20-bookworm-slim AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-fund --no-audit \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

# Stage 2: the sources (run by tsx, there is no build step), as the unprivileged node user.
FROM node:20.20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/data/seatd.db \
    OUTBOX_DIR=/data/outbox
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY bin ./bin
COPY db ./db
COPY schemas ./schemas
COPY src ./src
RUN mkdir /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/seatd.js", "serve"]
