# The JRE 17 layer for a machine that cannot pull images (scripts/docker-images, docs/docker.md): Debian's
# openjdk-17-jre-headless over a local Debian base made by debootstrap. Users who can pull use
# eclipse-temurin:17-jre instead (docker/Dockerfile's default BASE_IMAGE) and never need this file.
ARG BASE_IMAGE=poolpair-base:local
FROM ${BASE_IMAGE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
