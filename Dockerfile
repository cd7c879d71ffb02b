# issueflow: the api and worker images of docker-compose.yml (one image, two commands).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
# git for the worktrees; the agent CLI of your choice is installed in a derived image (see README).
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates curl bubblewrap socat && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production ISSUEFLOW_DATA_DIR=/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY templates ./templates
COPY public ./public
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["api"]
