# syntax=docker/dockerfile:1

# --- build: full dependency tree (swc is a devDependency), compile, then drop dev deps ---
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Dependencies first so source edits don't invalidate the npm ci layer.
COPY package.json package-lock.json ./
# npm ci: exactly the locked versions, the ones CI tests (the lock lists every platform's packages).
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# Only what `npm run build` compiles (swc apps libs db); .swcrc maps @shinchoku/* to relative paths.
COPY .swcrc ./
COPY apps ./apps
COPY libs ./libs
COPY db ./db
RUN npm run build && npm prune --omit=dev

# --- runtime: compiled output and production node_modules only ---
FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app

COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The published seed documents, for `start --demo` (found by walking up from dist).
COPY test/fixtures/seeds ./test/fixtures/seeds

# Code stays root-owned (read-only to the app); only the embedded-Postgres data dir,
# used when DATABASE_URL is unset, must be writable by the non-root user.
RUN mkdir .shinchoku && chown node:node .shinchoku
USER node

EXPOSE 3000
# Slim images have no curl; Node 20 has a global fetch. /health answers 503 when the DB or queue is down.
# Only meaningful for processes that serve HTTP: disable it for `start --worker`.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Exec form: node is the process that receives SIGTERM from `docker stop` and shuts down cleanly.
ENTRYPOINT ["node", "dist/apps/shinchoku/src/main.js"]
CMD ["start"]
