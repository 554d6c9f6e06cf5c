# Connection Manager's container image: nothing but the release server, the shared libraries it
# links (glibc, OpenSSL), the portal's built assets, CA certificates for the identity
# provider's TLS, and a non-root user. No base image: scripts/image prepares the file system
# (target/image/rootfs) from the release that `scripts/build` made, then runs
# `podman build` (or `docker build`) on this file.
FROM scratch
COPY target/image/rootfs/ /
# COPY makes everything root's; the database's directory is the server user's.
COPY --chown=10001:10001 target/image/data/ /data/
USER 10001:10001
ENV HOST=0.0.0.0 \
    PORT=3001 \
    DATABASE_URL=sqlite:///data/connection-manager.db \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_ENV=PROD \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
# The SQLite database (the default) lives here; mount a volume to keep it.
VOLUME ["/data"]
EXPOSE 3001
# The server binary answers its own probe (there is no shell or curl in the image): it asks
# GET /api/health/live on its port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/app/server", "healthcheck"]
ENTRYPOINT ["/app/server"]
