# syntax=docker/dockerfile:1
# stripe-sync: multi-stage build; the runtime image is Debian slim with only
# the binary and CA certificates, running as an unprivileged user.
#
#   docker build -t stripe-sync .
#   docker run --rm -e DATABASE_URL -e STRIPE_SECRET_KEY stripe-sync migrate
#   docker run --rm -p 8080:8080 -e DATABASE_URL -e STRIPE_SECRET_KEY \
#       -e STRIPE_WEBHOOK_SECRET -e STRIPE_SYNC_API_KEY stripe-sync
#
# The migrations are embedded in the binary at build time.

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release -p stripe-sync-cli --bin stripe-sync \
    && cp target/release/stripe-sync /usr/local/bin/stripe-sync

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin stripe-sync
COPY --from=build /usr/local/bin/stripe-sync /usr/local/bin/stripe-sync
USER 10001:10001
ENV LISTEN=0.0.0.0:8080
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/stripe-sync"]
CMD ["serve"]
