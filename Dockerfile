# One image for the one jar: the operator (`lifeboat operator`, the default command) and the
# agent that backup and restore Jobs run (`lifeboat agent backup|restore|verify|list|prune`).
#
#   mvn -B -pl operator -am package       # builds operator/target/lifeboat.jar
#   docker build -t ghcr.io/lifeboat-dev/lifeboat:0.1.0 .

# Debian's static busybox, for the containers that run a user's dump or restore command: the Jobs'
# setup container copies it into the pod, so the user's image needs no shell (docs/backuppolicy.md,
# "Dumps"). Static, so it runs in any image, whatever its libc. busybox is GPL-2.0: its source is
# Debian's busybox package of the version this stage installs (apt-get source busybox).
FROM debian:bookworm-slim AS busybox
RUN apt-get update && apt-get install -y --no-install-recommends busybox-static && rm -rf /var/lib/apt/lists/*

FROM eclipse-temurin:17-jre

LABEL org.opencontainers.image.title="lifeboat" \
      org.opencontainers.image.description="Kubernetes operator and agent that back up PersistentVolumeClaims to S3-compatible storage and restore them" \
      dev.lifeboat.busybox="/usr/lib/lifeboat/busybox: Debian busybox-static (GPL-2.0), source: the Debian busybox source package of the same version"

# Owned by root, so the runtime user cannot replace it; the agent is pure Java and needs
# no other tools in the image (busybox below is for the user's dump containers, not the agent).
COPY operator/target/lifeboat.jar /app/lifeboat.jar
# `lifeboat` on the PATH: the Jobs' command is `lifeboat agent ...` (the public command line).
COPY dist/lifeboat /usr/local/bin/lifeboat
# The agent's class-data-sharing archive (/app/lifeboat.jsa), made from this jar with this JVM: each
# Job's JVM maps the classes instead of parsing them, which saves it about 1.5 CPU s and some memory.
RUN lifeboat cds-archive
# Where the Jobs' setup container finds it; not on the PATH, the image's own tools stay as they are.
COPY --from=busybox /bin/busybox /usr/lib/lifeboat/busybox

# A numeric non-root user, so the kubelet can check runAsNonRoot without a passwd entry.
USER 65532:65532

# /healthz and /readyz (and the operator's HTTP endpoints).
EXPOSE 8080

ENTRYPOINT ["lifeboat"]
CMD ["operator"]
