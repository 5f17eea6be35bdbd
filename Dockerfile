# ticketops as a container image: slim, non-root, `ticketops` as the entrypoint.
#
#   docker build -t ticketops:$(git rev-parse --short HEAD) .
#   docker run --rm -e AZURE_DEVOPS_EXT_PAT -v "$PWD:/work" ticketops:TAG plan --repo /work
#
# The wheel is built from this checkout, and it and its dependencies are installed at the
# versions pinned in constraints.txt (nothing is resolved from a bare name on a public index).
# Deploy the image by digest (image@sha256:...), as the Kubernetes templates in deploy/ do.

FROM python:3.11-slim AS build
WORKDIR /src
COPY . .
RUN python -m pip install --no-cache-dir --quiet "hatchling>=1.25" \
 && python -m pip wheel --no-deps --no-build-isolation --wheel-dir /dist . \
 && python -m venv /opt/ticketops \
 && /opt/ticketops/bin/pip install --no-cache-dir --quiet -c constraints.txt /dist/ticketops-*.whl

FROM python:3.11-slim
RUN useradd --uid 10001 --create-home --shell /usr/sbin/nologin ticketops
COPY --from=build /opt/ticketops /opt/ticketops
ENV PATH=/opt/ticketops/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
USER 10001
WORKDIR /work
ENTRYPOINT ["ticketops"]
CMD ["--help"]
