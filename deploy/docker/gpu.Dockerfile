# syntax=docker/dockerfile:1.7
# GPU image for the model workers (unet-worker, maskrcnn-worker): CUDA 12 + cuDNN 9 runtime, Node 22,
# onnxruntime-node with its CUDA 12 execution-provider binaries fetched at BUILD time (never at start).
#   docker build -f deploy/docker/gpu.Dockerfile --build-arg SERVICE=unet-worker -t vertxnet/unet-worker:gpu .
#   docker build -f deploy/docker/gpu.Dockerfile --build-arg SERVICE=maskrcnn-worker -t vertxnet/maskrcnn-worker:gpu .
# Run with INFERENCE_PROVIDERS=cuda,cpu (or tensorrt,cuda,cpu) on a node with the NVIDIA container toolkit.
# The models in models/ are copied in (MODEL_DIR defaults to models/<stage> under /app); mount another
# folder over /app/models, or set MODEL_DIR, to serve other weights without a rebuild.

ARG NODE_IMAGE=node:22-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04

FROM ${NODE_IMAGE} AS node

FROM ${NODE_IMAGE} AS build
WORKDIR /src
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
# Install scripts are skipped (none is needed at runtime: esbuild is dev-only, msgpackr-extract is an
# optional speed-up), then onnxruntime-node's own script runs explicitly, whatever npm's script policy:
# ONNXRUNTIME_NODE_INSTALL=cuda12 makes it download the CUDA 12 execution-provider libraries
# (libonnxruntime_providers_cuda.so, _shared.so, _tensorrt.so, from the Microsoft.ML.OnnxRuntime.Gpu
# NuGet package; needs network at build time) into node_modules/onnxruntime-node/bin/napi-v6/linux/x64/.
# Same as `npm ci --onnxruntime-node-install=cuda12`; the older ONNXRUNTIME_NODE_INSTALL_CUDA=v12 also works.
ENV ONNXRUNTIME_NODE_INSTALL=cuda12
RUN --mount=type=cache,target=/tmp/npm-cache npm_config_cache=/tmp/npm-cache npm ci --ignore-scripts --no-audit --no-fund \
 && node node_modules/onnxruntime-node/script/install.js \
 && ls node_modules/onnxruntime-node/bin/napi-v*/linux/x64/ | grep -q libonnxruntime_providers_cuda.so \
 || (echo "onnxruntime-node CUDA binaries missing" && false)
COPY packages packages
COPY services services
RUN npx tsc -b && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${CUDA_IMAGE} AS runtime
ARG SERVICE
RUN test -n "$SERVICE" || (echo "--build-arg SERVICE=unet-worker|maskrcnn-worker is required" && false)
COPY --from=node /usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    INFERENCE_PROVIDERS=cuda,cpu \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/packages packages
COPY --from=build /src/services/${SERVICE} services/${SERVICE}
# Both models (a few MB each); the worker loads the one MODEL_DIR names and checks its hash.
COPY models models
USER 10001:10001
EXPOSE 8080
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node services/${SERVICE}/dist/main.js"]
