# The service's container image: a Native AOT executable, built with the .NET SDK, run as a
# non-root user on the runtime-deps image. No image can be built on the project's machines (no Docker engine, no base
# images), so this recipe is kept minimal and standard; build it where Docker runs:
#   docker build -t customers-service .
# The image runs Production, which grants nothing by default: it exits 78 at start, naming what is
# missing, until it is given (docs/security.md has a complete `docker run`):
#   - who may do what: Authentication__Jwt__Authority and __Audience (JWT mode), or
#     Authorization__Grants__<ROLE>__0 and Authorization__Orgs__<ROLE>__0 ('*' on purpose) per role;
#   - AllowedHosts: the host names it answers to;
#   - Idempotency__FingerprintKey: base64 of 32 random bytes from a secret store, the same on every
#     instance (it keys the idempotency records' fingerprints; docs/data-lifecycle.md);
#   - for HTTPS and mutual TLS with the gateway: Kestrel__Endpoints__Gateway__Url=https://+:8443,
#     __Certificate__Path and __Certificate__KeyPath (PEM files mounted read-only; renewed files are
#     used without a restart), __ClientCertificateMode=RequireCertificate, and
#     Authentication__Gateway__ClientCertificateAuthority (the gateway CA's PEM). Keep a plain-HTTP
#     endpoint on 8080 for the health check (Kestrel__Endpoints__Probes__Url=http://+:8080): with the
#     CA set it serves health and grants nothing.
# The SDK image variant with the native toolchain (clang, lld, zlib) that Native AOT links with.
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
# A Native AOT executable for the image's platform (src/Server/Customers.Server.csproj sets
# PublishAot; docs/native-aot.md). Native AOT does not cross-compile between architectures without
# a cross toolchain: build each platform's image on that platform (or under emulation).
# Its symbols (Customers.Server.dbg) stay in the build stage: keep them with the image's tag for
# crash analysis, not in the image.
RUN dotnet publish src/Server -c Release -a "$TARGETARCH" -o /app --nologo && rm /app/*.dbg

# No .NET runtime needed: only what the executable links to (libc, OpenSSL, ICU, zlib).
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble AS runtime
WORKDIR /app
COPY --from=build /app .
# SQLite by default, in a volume the non-root user owns; set Storage__Provider=Postgres and
# ConnectionStrings__Postgres for the shared deployment.
RUN mkdir -p /app/data && chown app:app /app/data
VOLUME /app/data
USER app
# Plain HTTP on 8080 unless Kestrel__Endpoints__* say otherwise (they replace it).
ENV ASPNETCORE_URLS=http://+:8080 \
    Logging__Console__FormatterName=json
EXPOSE 8080 8443
# The runtime image has bash but no curl: ask /health/ready over bash's /dev/tcp.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["./Customers.Server"]
