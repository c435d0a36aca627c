# FlowWeb: web UI on 8080/tcp, flow collector on 2055/udp, state in /data.
#   docker build -t flowweb .
#   docker run -p 8080:8080 -p 2055:2055/udp -v flowweb-data:/data --cap-add SYS_NICE -e AllowedHosts="flowweb.lan;192.0.2.10" flowweb
# Inside the container FlowWeb listens on every interface (the published ports decide who reaches it). It answers
# only to Host names it knows (DNS rebinding defence): the container's own names and addresses are not the ones a
# browser uses, so AllowedHosts lists the names and addresses users type (README, Security).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so that the restore layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY FlowWeb/FlowWeb.csproj FlowWeb/
COPY FlowWeb.Core/FlowWeb.Core.csproj FlowWeb.Core/
RUN dotnet restore FlowWeb/FlowWeb.csproj
COPY . .
# RequiresAspNetWebAssets in FlowWeb.csproj makes this restore-less publish ship blazor.web.js.
RUN dotnet publish FlowWeb/FlowWeb.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
# The image's non-root user (app, uid $APP_UID) must be able to write its data folder.
RUN mkdir -p /data && chown $APP_UID:$APP_UID /data
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080
ENV Storage__DataDirectory=/data
# A 64 MiB first GC generation: live pages allocate, and each young collection stops the receive threads (README,
# "Garbage collection"). The runtime reads this only from the environment.
ENV DOTNET_GCgen0size=0x4000000
USER $APP_UID
VOLUME /data
EXPOSE 8080
EXPOSE 2055/udp
# The runtime image has no curl or wget: the app answers its own health check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["dotnet", "/app/FlowWeb.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "FlowWeb.dll"]
