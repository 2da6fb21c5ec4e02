# Koe in a container: a static binary on distroless, running as a non-root user. It needs a
# PostgreSQL (DATABASE_URL); the embedded one is for `koe demo` on a machine, not for containers.
# See compose.yaml for Koe with PostgreSQL.

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/koe ./cmd/koe

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/koe /usr/local/bin/koe
USER nonroot:nonroot
ENV KOE_ADDR=0.0.0.0:8080 KOE_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/koe"]
CMD ["serve"]
