# syntax=docker/dockerfile:1.7
# CPU image for the ingest and fusion-worker services (one image, the service is picked at build time).
# The model workers build from it too for CPU-only hosts (docker-compose.yml mounts ./models then).
#   docker build -f deploy/docker/cpu.Dockerfile --build-arg SERVICE=ingest -t vertxnet/ingest .
#   docker build -f deploy/docker/cpu.Dockerfile --build-arg SERVICE=fusion-worker -t vertxnet/fusion-worker .
# Model workers on CPU (k8s/overlays/cpu) take the `model-worker` target, which adds models/:
#   docker build -f deploy/docker/cpu.Dockerfile --target model-worker --build-arg SERVICE=unet-worker -t vertxnet/unet-worker .
# Build context: the repository root (cpu.Dockerfile.dockerignore keeps it small).

ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Manifests first: the dependency layer is reused until a package.json or the lockfile changes.
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY packages/core/package.json packages/core/
COPY packages/config/package.json packages/config/
COPY packages/imaging/package.json packages/imaging/
COPY packages/inference/package.json packages/inference/
COPY packages/storage/package.json packages/storage/
COPY packages/queue/package.json packages/queue/
COPY packages/phantom/package.json packages/phantom/
COPY packages/phantom-b/package.json packages/phantom-b/
COPY packages/fusion/package.json packages/fusion/
COPY packages/pipeline/package.json packages/pipeline/
COPY packages/cli/package.json packages/cli/
COPY services/ingest/package.json services/ingest/
COPY services/unet-worker/package.json services/unet-worker/
COPY services/maskrcnn-worker/package.json services/maskrcnn-worker/
COPY services/fusion-worker/package.json services/fusion-worker/
# The CPU execution provider ships inside onnxruntime-node: no install script is needed (esbuild is
# dev-only, msgpackr-extract an optional speed-up); skip them all, and the CUDA download with them.
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN --mount=type=cache,target=/tmp/npm-cache npm_config_cache=/tmp/npm-cache npm ci --ignore-scripts --no-audit --no-fund
COPY packages packages
COPY services services
RUN npx tsc -b && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS service
ARG SERVICE
RUN test -n "$SERVICE" || (echo "--build-arg SERVICE=<services/ folder> is required" && false)
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/packages packages
COPY --from=build /src/services/${SERVICE} services/${SERVICE}
# Non-root, numeric (Kubernetes runAsNonRoot can verify it); the root filesystem may be read-only:
# the services write only to /tmp and to the work store (S3 in production).
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
# Through sh so $SERVICE expands; `exec` replaces the shell, so node is PID 1 and receives SIGTERM.
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]

# CPU model workers: the same image plus the shipped models (MODEL_DIR defaults to models/<stage>).
FROM service AS model-worker
COPY models models

# Default target: the service without models (ingest, fusion-worker).
FROM service AS runtime
