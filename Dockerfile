# The service's container image: build with the .NET SDK, run on the ASP.NET Core runtime as a
# non-root user. No image can be built on the project's machines (no Docker engine, no base
# images), so this recipe is kept minimal and standard; build it where Docker runs:
#   docker build -t customers-service . && docker run -p 8080:8080 customers-service
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
# For the image's platform, so that the publish is ReadyToRun (src/Server/Customers.Server.csproj).
RUN dotnet publish src/Server -c Release -a "$TARGETARCH" --self-contained false -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# SQLite by default, in a volume the non-root user owns; set Storage__Provider=Postgres and
# ConnectionStrings__Postgres for the shared deployment.
RUN mkdir -p /app/data && chown app:app /app/data
VOLUME /app/data
USER app
ENV ASPNETCORE_URLS=http://+:8080 \
    Logging__Console__FormatterName=json
EXPOSE 8080
# The runtime image has bash but no curl: ask /health/ready over bash's /dev/tcp.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "Customers.Server.dll"]
