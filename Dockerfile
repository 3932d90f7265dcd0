# One image for the one jar: the operator (`lifeboat operator`, the default command) and the
# agent that backup and restore Jobs run (`lifeboat agent backup|restore|verify|list|prune`).
#
#   mvn -B -pl operator -am package       # builds operator/target/lifeboat.jar
#   docker build -t ghcr.io/lifeboat-dev/lifeboat:0.1.0 .
FROM eclipse-temurin:17-jre

LABEL org.opencontainers.image.title="lifeboat" \
      org.opencontainers.image.description="Kubernetes operator and agent that back up PersistentVolumeClaims to S3-compatible storage and restore them"

# Owned by root, so the runtime user cannot replace it; the agent is pure Java and needs
# no other tools in the image.
COPY operator/target/lifeboat.jar /app/lifeboat.jar
# `lifeboat` on the PATH: the Jobs' command is `lifeboat agent ...` (the public command line).
COPY dist/lifeboat /usr/local/bin/lifeboat

# A numeric non-root user, so the kubelet can check runAsNonRoot without a passwd entry.
USER 65532:65532

# /healthz and /readyz (and the operator's HTTP endpoints).
EXPOSE 8080

ENTRYPOINT ["lifeboat"]
CMD ["operator"]
