# issueflow's images (README: Images). One build, several targets:
#   runtime       issueflow without any agent CLI: the compose file's `api`
#   worker        runtime + Claude Code (the default AGENT): the compose file's `worker`; the default target
#   worker-codex, worker-gemini, worker-aider   opt-in: runtime + that agent CLI instead
# Every target runs on the current Node.js LTS (26: Active LTS since 2026-10-28); the code itself keeps
# running on Node >= 20.19 (package.json engines). Debian bookworm, whose Python 3.11 aider still needs (< 3.13).
ARG NODE_IMAGE=node:26-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The workflow bundle too (as `npm start`'s prestart writes it), so a container's worker does not run webpack at
# each start (seconds, and its memory): src/worker/workflow-bundle.ts takes it while it is newer than dist/.
RUN npm run build \
 && node -e "require('./dist/worker/workflow-bundle.js').writeWorkflowBundle()" \
 && npm prune --omit=dev --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
# git for the worktrees; bubblewrap and socat for the sandbox around agent runs and repo commands
# (src/activities/sandbox); curl for the healthcheck.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates curl bubblewrap socat \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Two malloc arenas, not 8 per core: the worker's threads (Temporal's core, the workflow thread) kept ~90 MB
# more RSS with glibc's default after a burst of 1,000 issues (bench/figures/waiting.ts).
ENV NODE_ENV=production ISSUEFLOW_DATA_DIR=/data MALLOC_ARENA_MAX=2
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

# Opt-in agent CLIs: `build: { target: worker-codex }` in the compose file's worker, with AGENT=codex.
# Each is installed as root into /usr/local, which the sandbox shows read-only, and checked by running it.
FROM runtime AS worker-codex
USER root
RUN npm install -g @openai/codex@0.171.0 && npm cache clean --force && codex --version
USER node
CMD ["worker"]

FROM runtime AS worker-gemini
USER root
RUN npm install -g @google/gemini-cli@0.61.0 && npm cache clean --force && gemini --version
USER node
CMD ["worker"]

FROM runtime AS worker-aider
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/aider \
 && /opt/aider/bin/pip install --no-cache-dir aider-chat==0.86.2 \
 && ln -s /opt/aider/bin/aider /usr/local/bin/aider \
 && aider --version
USER node
CMD ["worker"]

# The compose file's worker: Claude Code, pinned. Its postinstall puts the native binary in place of a
# stub (npm 11 runs it only when allowed), and `claude --version` fails the build if it did not.
FROM runtime AS worker
USER root
RUN npm install -g --allow-scripts=@anthropic-ai/claude-code @anthropic-ai/claude-code@2.1.332 \
 && npm cache clean --force \
 && claude --version
# The pin holds: no self-update (the sandbox shows /usr/local read-only anyway), and no telemetry or error
# reports, which the sandbox's egress (the provider's API only) would refuse. A CLAUDE_CODE_ variable,
# so it reaches the agent (src/activities/agent/env.ts).
ENV CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
USER node
CMD ["worker"]
